// The share page's top level: read the token from the path, look the link up,
// then hand over to the session (loaded lazily: xterm is not needed to say
// "this link expired").
import { useEffect, useState, type ComponentType, type ReactNode } from 'react';
import type { LinkInfo } from '../common/protocol.js';
import { LinkLookupError, useLinkLookup } from './api/linkLookup.js';
import { CheckingPage } from './pages/CheckingPage.js';
import { ProblemPage } from './pages/ProblemPage.js';
import type { ShareLocation } from './shareUrl.js';
import { exposeTestHooks } from './testHooks.js';
import { dropEarlySocket } from './session/earlyDial.js';

let sessionModule: Promise<typeof import('./pages/SessionPage.js')> | null = null;
/** The session page's code (xterm and all), fetched once; main.tsx starts it at boot. */
export function preloadSessionPage() {
  sessionModule ??= import('./pages/SessionPage.js');
  return sessionModule;
}
const loadSession = preloadSessionPage;
type SessionPageType = ComponentType<{ share: ShareLocation; link: LinkInfo }>;

export function App({ share }: { share: ShareLocation | null }) {
  if (!share) return <StaticPage name="problem" node={<ProblemPage reason="unknown" />} />;
  return <ShareApp share={share} />;
}

/** A page with no terminal: e2e hooks report its name. */
function StaticPage({ name, node }: { name: string; node: ReactNode }) {
  useEffect(() => exposeTestHooks({ screenText: () => '', state: () => name }), [name]);
  useEffect(() => {
    if (name === 'problem') dropEarlySocket(); // no session from this page: the early attach socket is not needed
  }, [name]);
  return node;
}

function ShareApp({ share }: { share: ShareLocation }) {
  const lookup = useLinkLookup(share);
  // Once the machine answered online, the session owns the page; later lookups do not unmount it.
  const [started, setStarted] = useState<LinkInfo | null>(null);
  if (!started && lookup.data?.online) setStarted(lookup.data);

  // Fetch the terminal code while the lookup runs. Not React.lazy + Suspense: React
  // holds a resolved Suspense boundary back for up to 300 ms, which was most of the
  // time from "link checked" to the first prompt.
  const [SessionPage, setSessionPage] = useState<SessionPageType | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    loadSession().then(
      (module) => live && setSessionPage(() => module.default),
      (error: Error) => live && setLoadError(error),
    );
    return () => {
      live = false;
    };
  }, []);

  if (started && loadError) {
    return <StaticPage name="problem" node={<ProblemPage reason="error" message={`The terminal could not be loaded: ${loadError.message}`} onRetry={() => window.location.reload()} />} />;
  }
  if (started) {
    if (!SessionPage) return <CheckingPage label={`connecting to ${started.machine.hostname}…`} testId="page-connecting" />;
    return <SessionPage share={share} link={started} />;
  }
  if (lookup.isPending) return <StaticPage name="checking" node={<CheckingPage />} />;
  if (lookup.isError) {
    const error = lookup.error;
    if (error instanceof LinkLookupError && error.status === 429) {
      const retryAt = Date.now() + (error.body?.retry_after_ms ?? 60_000);
      return <StaticPage name="problem" node={<ProblemPage reason="rate_limited" retryAt={retryAt} onRetry={() => void lookup.refetch()} />} />;
    }
    if (error instanceof LinkLookupError && error.status === 401) {
      const reason = error.body?.reason ?? 'unknown';
      return <StaticPage name="problem" node={<ProblemPage reason={reason} expiredAt={error.body?.expired_at ?? null} />} />;
    }
    return <StaticPage name="problem" node={<ProblemPage reason="error" message={error.message} onRetry={() => void lookup.refetch()} />} />;
  }
  return <StaticPage name="problem" node={<ProblemPage reason="offline" hostname={lookup.data.machine.hostname} />} />;
}
