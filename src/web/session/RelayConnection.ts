// The transport: owns the attach WebSocket, speaks the protocol (hello, resume,
// acks, pings), reconnects with backoff and on online/visibility hints, and feeds
// the pure reducer. It writes to a TerminalSink and never touches xterm or React.
import { backoffDelay } from '../../common/backoff.js';
import { DEAD_AFTER_MS, PASTE_CHUNK, PING_INTERVAL_MS } from '../../common/limits.js';
import {
  Frame,
  PROTOCOL_VERSION,
  decodeFrame,
  encodeInput,
  parseRelayToViewer,
  type RelayToViewer,
  type ViewerToRelay,
} from '../../common/protocol.js';
import { acceptsInput, initialState, reduce, type ConnectionEvent, type ConnectionState } from './connectionState.js';
import { takeEarlySocket } from './earlyDial.js';
import { OutputStream, type TerminalSink } from './outputStream.js';

export interface RelayConnectionOptions {
  /** ws(s)://host/prefix/ws/attach */
  wsUrl: string;
  /** Full share token (shr_…): sent only in the hello, never in a URL. */
  token: string;
}

const encoder = new TextEncoder();

export class RelayConnection {
  private state: ConnectionState = initialState();
  private readonly listeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private sink: TerminalSink | null = null;
  private output: OutputStream | null = null;
  /** Session whose screen the terminal shows; a different one in `attached` resets it. */
  private shownSession: string | null = null;
  private lastSeen = 0;
  private nextPingId = 1;
  private readonly pingsSent = new Map<number, number>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private toastTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private running = false;
  /** The size this page last offered the PTY (hello or resize): layout changes that keep it are not news. */
  private lastOffered: { cols: number; rows: number } | null = null;

  constructor(private readonly options: RelayConnectionOptions) {}

  // ------------------------------------------------------------ store for React

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ConnectionState => this.state;

  // --------------------------------------------------------------- lifecycle

  /** Attach the terminal and connect. Safe to call again after stop() (StrictMode remounts). */
  start(sink: TerminalSink): void {
    this.stop();
    this.running = true;
    this.sink = sink;
    this.output = new OutputStream(sink, (offset) => this.send({ type: 'ack', offset }));
    this.shownSession = null;
    this.setState(initialState());
    window.addEventListener('online', this.onWakeHint);
    document.addEventListener('visibilitychange', this.onWakeHint);
    this.pingTimer = setInterval(this.onPingTick, PING_INTERVAL_MS);
    this.dial();
  }

  /** Close everything this connection opened: socket, timers, listeners. */
  stop(): void {
    this.running = false;
    this.dropSocket();
    for (const timer of [this.retryTimer, this.toastTimer]) if (timer !== null) clearTimeout(timer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.retryTimer = this.toastTimer = this.pingTimer = null;
    window.removeEventListener('online', this.onWakeHint);
    document.removeEventListener('visibilitychange', this.onWakeHint);
    this.sink = null;
    this.output = null;
  }

  /** "Start a new session": a fresh attach with no resume (the old screen stays until the new one arrives). */
  restart(): void {
    if (!this.running) return;
    this.dropSocket();
    this.clearRetry();
    this.dispatch({ type: 'restart' });
    this.dial();
  }

  // ------------------------------------------------------------------ actions

  sendPassword(password: string): void {
    if (this.state.phase !== 'password' || this.state.checking) return;
    if (this.send({ type: 'password', password })) this.dispatch({ type: 'password-sent' });
  }

  /** Keystrokes / paste from the terminal. Refused visibly (never queued) unless live. */
  sendInput(data: string | Uint8Array): void {
    const socket = this.socket;
    if (!acceptsInput(this.state) || !socket || socket.readyState !== WebSocket.OPEN) {
      this.refuseInput();
      return;
    }
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    for (let i = 0; i < bytes.byteLength; i += PASTE_CHUNK) {
      // encodeInput allocates a fresh ArrayBuffer; its declared type is just wider (ArrayBufferLike).
      socket.send(encodeInput(bytes.subarray(i, i + PASTE_CHUNK)) as Uint8Array<ArrayBuffer>);
    }
  }

  /** A short message from the page itself (copied, view only, full screen hints). */
  notify(text: string, ms = 2_500): void {
    this.dispatch({ type: 'toast', text, now: Date.now(), ms });
  }

  /**
   * Offer this page's size to the PTY. A layout change (a banner, the status bar
   * reflowing) that leaves the proposal as last offered sends nothing, so it never
   * takes the grid back from whoever resized last; "use my window size" forces it.
   */
  sendResize({ force = false }: { force?: boolean } = {}): void {
    if (this.state.phase !== 'live' || this.state.readOnly || !this.sink) return;
    const size = this.sink.proposeSize();
    const last = this.lastOffered;
    if (!force && last && last.cols === size.cols && last.rows === size.rows) return;
    if (this.send({ type: 'resize', ...size })) this.lastOffered = size;
  }

  // ---------------------------------------------------------------- internals

  private setState(next: ConnectionState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private dispatch(event: ConnectionEvent): void {
    const prev = this.state;
    const next = reduce(prev, event);
    if (next !== prev) {
      if (next.grid && (next.grid.cols !== prev.grid?.cols || next.grid.rows !== prev.grid?.rows)) {
        this.sink?.resize(next.grid.cols, next.grid.rows);
      }
      if (next.toast && next.toast !== prev.toast) this.armToast(next.toast.id, next.toast.until);
      this.setState(next);
      if ((next.phase === 'ended' || next.phase === 'failed') && prev.phase !== next.phase) this.clearRetry();
    }
    // Entering reconnecting, or another failed attempt while in it: schedule the next dial.
    if (next.phase === 'reconnecting' && (prev.phase !== 'reconnecting' || event.type === 'closed')) this.scheduleRetry();
  }

  private armToast(id: number, until: number): void {
    if (this.toastTimer !== null) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toastTimer = null;
      this.dispatch({ type: 'toast-expired', id });
    }, Math.max(0, until - Date.now()));
  }

  private send(message: ViewerToRelay): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private dial(): void {
    if (!this.running) return;
    this.dropSocket();
    this.dispatch({ type: 'dialing' });
    const socket = takeEarlySocket(this.options.wsUrl) ?? new WebSocket(this.options.wsUrl);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.lastSeen = Date.now();
    const opened = () => {
      if (socket !== this.socket) return;
      this.lastSeen = Date.now();
      this.sendHello();
    };
    if (socket.readyState === WebSocket.OPEN) opened();
    else socket.onopen = opened;
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.socket) return;
      this.lastSeen = Date.now();
      if (typeof event.data === 'string') this.onText(event.data);
      else if (event.data instanceof ArrayBuffer) this.onBinary(new Uint8Array(event.data));
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.dispatch({ type: 'closed', code: event.code });
    };
  }

  private sendHello(): void {
    const size = this.sink?.proposeSize() ?? { cols: 80, rows: 24 };
    this.lastOffered = size;
    const { sessionId, grant } = this.state;
    this.send({
      type: 'hello',
      v: PROTOCOL_VERSION,
      auth: { kind: 'share', token: this.options.token },
      cols: size.cols,
      rows: size.rows,
      client: 'web',
      ...(sessionId && this.output ? { resume: { sessionId, offset: this.output.receivedOffset } } : {}),
      ...(grant ? { grant } : {}),
    });
  }

  private onText(text: string): void {
    const message = parseRelayToViewer(text);
    if (!message) return;
    switch (message.type) {
      case 'ping':
        this.send({ type: 'pong', id: message.id });
        return;
      case 'pong': {
        const sentAt = this.pingsSent.get(message.id);
        if (sentAt !== undefined) {
          this.pingsSent.clear();
          this.dispatch({ type: 'rtt', ms: Math.max(0, Math.round(performance.now() - sentAt)) });
        }
        return;
      }
      case 'attached':
        if (message.sessionId !== this.shownSession) {
          this.shownSession = message.sessionId;
          this.output?.resetSession();
        }
        break;
      default:
        break;
    }
    this.dispatch({ type: 'message', message: message as RelayToViewer, now: Date.now() });
  }

  private onBinary(bytes: Uint8Array): void {
    const frame = decodeFrame(bytes);
    if (!frame || !this.output) return;
    if (frame.kind === Frame.OUTPUT) this.output.output(frame.offset, frame.data);
    else if (frame.kind === Frame.SNAPSHOT) this.output.snapshot(frame.offset, frame.data);
  }

  private onPingTick = (): void => {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastSeen > DEAD_AFTER_MS) {
      // Half-open: nothing at all for too long. Give up on this socket and reconnect.
      this.abandonSocket();
      return;
    }
    const id = this.nextPingId++;
    if (this.pingsSent.size > 8) this.pingsSent.clear();
    this.pingsSent.set(id, performance.now());
    this.send({ type: 'ping', id });
  };

  /** `online` or the tab became visible: retry now instead of waiting out the backoff; check liveness. */
  private onWakeHint = (): void => {
    if (!this.running || document.visibilityState === 'hidden') return;
    if (this.state.phase === 'reconnecting' && this.socket === null) {
      this.clearRetry();
      this.dial();
    } else if (this.socket && this.socket.readyState === WebSocket.OPEN && Date.now() - this.lastSeen > DEAD_AFTER_MS) {
      this.abandonSocket();
    }
  };

  private scheduleRetry(): void {
    this.clearRetry();
    const attempt = this.state.phase === 'reconnecting' ? this.state.attempt : 0;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state.phase === 'reconnecting') this.dial();
    }, backoffDelay(attempt));
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A dead socket: stop listening to it and report it as an abnormal close (retryable). */
  private abandonSocket(): void {
    this.dropSocket();
    this.dispatch({ type: 'closed', code: 1006 });
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
  }

  private refuseInput(): void {
    const s = this.state;
    const text =
      s.phase === 'live' && s.readOnly
        ? 'view only — input is not sent'
        : s.phase === 'live' && !s.agentOnline
          ? 'the machine is offline — input not sent'
          : s.phase === 'ended' || s.phase === 'failed'
            ? 'session ended — input not sent'
            : 'not connected — input not sent';
    this.dispatch({ type: 'toast', text, now: Date.now(), ms: 2_000 });
  }
}
