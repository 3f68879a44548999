// Connection banners over the terminal: reconnecting, machine offline, ended
// (with why and "start a new session"), and short toasts. Text only, no markup from the wire.
import type { EndedReason, Toast } from '../session/connectionState.js';

export function ReconnectingBanner() {
  return (
    <div className="banner warn" role="status" data-testid="banner-reconnecting">
      reconnecting… <span className="muted">input is paused, nothing you type is sent</span>
    </div>
  );
}

export function OfflineBanner() {
  return (
    <div className="banner warn" role="status" data-testid="banner-offline">
      the machine is offline, waiting for it…
    </div>
  );
}

const ENDED_TITLE: Record<EndedReason, string> = {
  revoked: 'This link was revoked',
  expired: 'This link expired',
  unknown: 'This link is not valid any more',
  shell_exited: 'Session ended',
  kicked: 'Session ended',
  closed: 'Session ended',
  error: 'Session ended',
};

export function EndedBanner({ reason, message, onRestart }: { reason: EndedReason; message: string; onRestart: () => void }) {
  const linkGone = reason === 'revoked' || reason === 'expired' || reason === 'unknown';
  const detail = linkGone
    ? 'Ask the person who sent you the link for a new one. The last screen stays here to copy from.'
    : reason === 'shell_exited'
      ? `The session ended. ${message}`.trim()
      : message || 'The session ended.';
  return (
    <div className="banner ended" role="alert" data-testid="banner-ended" data-reason={reason}>
      <strong>{ENDED_TITLE[reason]}</strong>
      <span className="muted">{detail}</span>
      {!linkGone && (
        <button type="button" data-testid="restart-session" onClick={onRestart}>
          Start a new session
        </button>
      )}
    </div>
  );
}

export function ToastView({ toast }: { toast: Toast | null }) {
  if (!toast) return null;
  return (
    <div className="toast" role="status" aria-live="polite" data-testid="toast">
      {toast.text}
    </div>
  );
}
