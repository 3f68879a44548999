// The slim bar above the terminal: machine, time left, people, round trip, font
// size and "use my window size". It never covers the terminal.
import { formatTimeLeft } from '../../common/ttl.js';
import { useNow } from './useNow.js';

export interface StatusBarProps {
  hostname: string | null;
  expiresAt: string | null;
  presence: number | null;
  rttMs: number | null;
  readOnly: boolean;
  live: boolean;
  fontSize: number;
  onFontSize: (size: number) => void;
  onUseMySize: () => void;
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
  const { hostname, expiresAt, presence, rttMs, readOnly, live, fontSize, onFontSize, onUseMySize } = props;
  return (
    <header className="status-bar" data-testid="status-bar">
      <strong className="host" title="Machine">
        {hostname ?? '…'}
      </strong>
      {readOnly && <span className="badge">view only</span>}
      <TimeLeft expiresAt={expiresAt} />
      <span data-testid="presence-count" title="People attached" aria-label="people attached">
        {presence === null ? '–' : presence} {presence === 1 ? 'person' : 'people'}
      </span>
      <span data-testid="rtt" title="Round-trip time to the relay">
        {rttMs === null ? '– ms' : `${rttMs} ms`}
      </span>
      <span className="spacer" />
      <button type="button" aria-label="Smaller font" title="Smaller font" onClick={() => onFontSize(fontSize - 1)}>
        −
      </button>
      <span className="font-size" aria-label="font size">
        {fontSize}px
      </span>
      <button type="button" aria-label="Larger font" title="Larger font" onClick={() => onFontSize(fontSize + 1)}>
        +
      </button>
      {!readOnly && (
        <button type="button" data-testid="use-my-size" disabled={!live} onClick={onUseMySize} title="Resize the shared terminal to fit this window">
          Use my window size
        </button>
      )}
    </header>
  );
}
