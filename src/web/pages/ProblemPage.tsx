// State 2: one calm page per link problem. Each says what to do next.
import { useNow } from '../ui/useNow.js';

export type ProblemReason = 'unknown' | 'expired' | 'revoked' | 'offline' | 'rate_limited' | 'error';

export interface ProblemPageProps {
  reason: ProblemReason;
  hostname?: string | null;
  expiredAt?: string | null;
  /** Epoch ms after which trying again makes sense (rate limited). */
  retryAt?: number | null;
  message?: string;
  onRetry?: () => void;
}

const ASK = 'Ask the person who sent you the link for a new one.';

function formatWhen(iso: string): string {
  const date = new Date(iso);
  // With the zone: the guest and the person who shared the link may be far apart.
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

export function ProblemPage({ reason, hostname, expiredAt, retryAt, message, onRetry }: ProblemPageProps) {
  const now = useNow();
  let title: string;
  let body: string;
  switch (reason) {
    case 'unknown':
      title = 'This link is not valid';
      body = `It may be mistyped or cut short. ${ASK}`;
      break;
    case 'expired':
      title = 'This link has expired';
      body = `${expiredAt ? `It stopped working on ${formatWhen(expiredAt)}. ` : ''}${ASK}`;
      break;
    case 'revoked':
      title = 'This link was revoked';
      body = `The person who shared it turned it off. ${ASK}`;
      break;
    case 'offline':
      title = `${hostname ?? 'The machine'} is offline`;
      body = 'This page keeps checking and connects as soon as it is back. If it stays offline, tell the person who sent you the link: the machine, not the link, needs attention.';
      break;
    case 'rate_limited': {
      const wait = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;
      title = 'Too many attempts';
      body = wait ? `Please wait ${wait} s, then try again.` : 'Please wait a minute, then try again.';
      break;
    }
    default:
      title = 'Something went wrong';
      body = message || 'The page could not reach the relay.';
  }
  const waiting = reason === 'rate_limited' && retryAt !== undefined && retryAt !== null && retryAt > now;
  return (
    <main className="page center" data-testid="page-problem" data-reason={reason}>
      {reason === 'offline' && <div className="spinner" aria-hidden="true" />}
      <h1>{title}</h1>
      <p className="muted">{body}</p>
      {message && reason !== 'error' && reason !== 'offline' && <p className="detail">{message}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry} disabled={waiting}>
          Try again
        </button>
      )}
      <p className="product small">termlink</p>
    </main>
  );
}
