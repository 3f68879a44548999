// The slim bar above the terminal: machine, view only, time left, people, round
// trip, full screen and a menu. It never covers the terminal (the menu opens over
// it only while open).
import { formatTimeLeft } from '../../common/ttl.js';
import { useNow } from './useNow.js';
import { SessionMenu, type SessionMenuProps } from './SessionMenu.js';

export interface StatusBarProps {
  hostname: string | null;
  expiresAt: string | null;
  presence: number | null;
  rttMs: number | null;
  readOnly: boolean;
  fullscreen: boolean | null;
  onFullscreen: () => void;
  menu: SessionMenuProps;
  /** The session is over: say why instead of a countdown and a head count that no longer hold. */
  over: string | null;
}

function TimeLeft({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow(1_000); // a 1 s interval, never an animation-frame loop
  if (expiresAt === null) return <span data-testid="time-left" title="This link never expires">no expiry</span>;
  const ms = new Date(expiresAt).getTime() - now;
  return (
    <span data-testid="time-left" title={`Link expires ${new Date(expiresAt).toLocaleString()}`}>
      {ms > 0 ? `${formatTimeLeft(ms)} left` : 'expired'}
    </span>
  );
}

export function StatusBar(props: StatusBarProps) {
  const { hostname, expiresAt, presence, rttMs, readOnly, fullscreen, onFullscreen, menu, over } = props;
  return (
    <header className="status-bar" data-testid="status-bar">
      <strong className="host" title="Machine">
        {hostname ?? '…'}
      </strong>
      {readOnly && (
        <span className="badge view-only" data-testid="view-only" title="You can watch this terminal but not type into it">
          view only
        </span>
      )}
      {over !== null ? (
        <span data-testid="session-over">{over}</span>
      ) : (
        <>
          <TimeLeft expiresAt={expiresAt} />
          <span data-testid="presence-count" title="People attached">
            {presence === null ? '–' : presence} {presence === 1 ? 'person' : 'people'}
          </span>
          {rttMs !== null && (
            <span data-testid="rtt" className="optional" title="Round-trip time to the relay">
              {rttMs} ms
            </span>
          )}
        </>
      )}
      <span className="spacer" />
      {fullscreen !== null && (
        <button
          type="button"
          data-testid="fullscreen"
          aria-pressed={fullscreen}
          onClick={onFullscreen}
          title={fullscreen ? 'Leave full screen (hold Esc)' : 'Full screen: Ctrl+W, Ctrl+T and Ctrl+N go to the shell'}
        >
          {fullscreen ? 'Exit full screen' : 'Full screen'}
        </button>
      )}
      <SessionMenu {...menu} />
    </header>
  );
}
