// The share page's top level: read the token from the path, look the link up,
// then hand over to the session (loaded lazily: xterm is not needed to say
// "this link expired").
import { Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import type { LinkInfo } from '../common/protocol.js';
import { LinkLookupError, useLinkLookup } from './api/linkLookup.js';
import { CheckingPage } from './pages/CheckingPage.js';
import { ProblemPage } from './pages/ProblemPage.js';
import type { ShareLocation } from './shareUrl.js';
import { exposeTestHooks } from './testHooks.js';

const loadSession = () => import('./pages/SessionPage.js');
const SessionPage = lazy(loadSession);

export function App({ share }: { share: ShareLocation | null }) {
  if (!share) return <StaticPage name="problem" node={<ProblemPage reason="unknown" />} />;
  return <ShareApp share={share} />;
}

/** A page with no terminal: e2e hooks report its name. */
function StaticPage({ name, node }: { name: string; node: ReactNode }) {
  useEffect(() => exposeTestHooks({ screenText: () => '', state: () => name }), [name]);
  return node;
}

function ShareApp({ share }: { share: ShareLocation }) {
  const lookup = useLinkLookup(share);
  // Once the machine answered online, the session owns the page; later lookups do not unmount it.
  const [started, setStarted] = useState<LinkInfo | null>(null);
  if (!started && lookup.data?.online) setStarted(lookup.data);

  useEffect(() => {
    void loadSession(); // fetch the terminal code while the lookup runs
  }, []);

  if (started) {
    return (
      <Suspense fallback={<CheckingPage label={`connecting to ${started.machine.hostname}…`} testId="page-connecting" />}>
        <SessionPage share={share} link={started} />
      </Suspense>
    );
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
