// The output side of a session: stream offsets, duplicate dropping, snapshots and
// ack-based flow control. It writes to a TerminalSink and never sees the socket
// or xterm itself, so it is tested with a fake sink.
import { ACK_EVERY } from '../../common/limits.js';

/** What the connection needs from a terminal (XtermController implements it). */
export interface TerminalSink {
  /** Write bytes; `done` runs once the terminal has parsed them. */
  write(data: Uint8Array, done: () => void): void;
  /** Clear screen and scrollback. */
  reset(): void;
  /** Render exactly this grid (the PTY's). */
  resize(cols: number, rows: number): void;
  /** The grid that would fill the page right now. */
  proposeSize(): { cols: number; rows: number };
}

export class OutputStream {
  /** End of the last byte accepted from the relay: the resume point. */
  receivedOffset = 0;
  /** End of the last byte the terminal has finished parsing. */
  processedOffset = 0;
  private lastAcked = 0;
  private pending = 0;
  /** Bumped on every reset so callbacks of writes from before it change nothing. */
  private generation = 0;

  constructor(
    private readonly sink: TerminalSink,
    private readonly sendAck: (offset: number) => void,
  ) {}

  /** A different session is shown: empty screen, offsets from 0. */
  resetSession(): void {
    this.restartAt(0);
    this.sink.reset();
  }

  /** OUTPUT frame: bytes at `offset`. Drops what was already received. */
  output(offset: number, data: Uint8Array): void {
    const end = offset + data.byteLength;
    if (end <= this.receivedOffset) return;
    const fresh = offset < this.receivedOffset ? data.subarray(this.receivedOffset - offset) : data;
    this.receivedOffset = end;
    this.write(fresh, end);
  }

  /** SNAPSHOT frame: replace the screen; the stream continues at `offset`. */
  snapshot(offset: number, screen: Uint8Array): void {
    this.restartAt(offset);
    this.sink.reset();
    this.write(screen, offset);
  }

  private restartAt(offset: number): void {
    this.generation++;
    this.pending = 0;
    this.receivedOffset = offset;
    this.processedOffset = offset;
    // The relay counts a snapshot (and a fresh session) as acknowledged up to here.
    this.lastAcked = offset;
  }

  private write(data: Uint8Array, end: number): void {
    const generation = this.generation;
    this.pending++;
    this.sink.write(data, () => {
      if (generation !== this.generation) return;
      this.pending--;
      if (end > this.processedOffset) this.processedOffset = end;
      const unacked = this.processedOffset - this.lastAcked;
      if (unacked > 0 && (unacked >= ACK_EVERY || this.pending === 0)) {
        this.lastAcked = this.processedOffset;
        this.sendAck(this.processedOffset);
      }
    });
  }
}
