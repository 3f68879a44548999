// The agent: dials OUT to the relay (no inbound port), owns the one shared
// shell, its screen copy and output history, checks the machine password, and
// reconnects with backoff when the relay goes away. The shell outlives relay outages.
import WebSocket from 'ws';
import { backoffDelay } from '../common/backoff.js';
import { ByteRing } from '../common/byteRing.js';
import {
  AGENT_HISTORY_BYTES,
  AGENT_SCREEN_HIGH_WATER,
  AGENT_SOCKET_HIGH_WATER,
  DEAD_AFTER_MS,
  PING_INTERVAL_MS,
} from '../common/limits.js';
import {
  CloseCode,
  Frame,
  PROTOCOL_VERSION,
  WS_PATH,
  decodeFrame,
  encodeOffsetFrame,
  encodeSnapshotReply,
  parseRelayToAgent,
  type AgentToRelay,
  type RelayToAgent,
} from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import { PasswordGate } from './password.js';
import { PtySession, defaultShell, type ShellCommand } from './ptySession.js';
import { ThreadedScreen } from './screenThread.js';

export interface AgentOptions {
  /** One relay URL, or several separated by commas (tried in turn when one is unreachable). */
  relayUrl: string;
  machineId: string;
  machineKey: string;
  hostname: string;
  passwordHash?: string;
  shell?: ShellCommand;
  log: Logger;
  /** Called when the relay refuses the machine key: retrying would not help. */
  onFatal?: (message: string) => void;
}

/** Longest a PTY read waits to share a frame with the next ones while output streams. */
const OUTPUT_GATHER_MS = 4;
/** A gathered frame goes out at once when it reaches this size. */
const OUTPUT_GATHER_MAX = 64 * 1024;

/**
 * Why the PTY is not being read: the relay asked (every viewer is behind), the
 * screen thread or the socket is backed up, or the relay has not yet acknowledged
 * a window's worth of output.
 */
type PauseReason = 'relay' | 'screen' | 'socket' | 'window';

export class Agent {
  private socket: WebSocket | null = null;
  private session: PtySession | null = null;
  private screen: ThreadedScreen | null = null;
  private readonly history = new ByteRing(AGENT_HISTORY_BYTES);
  private readonly pauseReasons = new Set<PauseReason>();
  private gate: PasswordGate | null;
  private passwordHash: string | undefined;
  private attempt = 0;
  private readonly relayUrls: string[];
  private relayIndex = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private socketPoll: NodeJS.Timeout | null = null;
  private stopped = false;
  private connectedOnce: Promise<void>;
  private markConnected: () => void = () => {};
  /** PTY reads waiting to go out as one frame (see onOutput), from stream offset gatheredOffset. */
  private gathered: Uint8Array[] = [];
  private gatheredOffset = 0;
  private gatheredBytes = 0;
  private gatherTimer: NodeJS.Timeout | null = null;
  private lastFlushAt = 0;
  /** Output window announced by the relay (null: an older relay, no window). */
  private outputWindow: number | null = null;
  /** Stream offset up to which the relay has acknowledged output. */
  private outputAcked = 0;

  constructor(private readonly options: AgentOptions) {
    this.passwordHash = options.passwordHash;
    this.gate = options.passwordHash ? new PasswordGate(options.passwordHash) : null;
    this.relayUrls = options.relayUrl.split(',').map((u) => u.trim()).filter(Boolean);
    this.connectedOnce = new Promise((resolve) => (this.markConnected = resolve));
  }

  start(): Promise<void> {
    this.connect();
    return this.connectedOnce;
  }

  /**
   * The machine password changed while running (`agent set-password`). Earlier grants
   * die with the old gate; the connection is renewed so the relay learns the new rule
   * and asks everyone attached for the password — live sessions are no exception.
   */
  setPasswordHash(hash: string | undefined): void {
    if (hash === this.passwordHash) return;
    this.passwordHash = hash;
    this.gate = hash ? new PasswordGate(hash) : null;
    this.options.log.info(hash ? 'machine password changed' : 'machine password removed');
    this.socket?.close(CloseCode.GOING_AWAY, 'machine password changed');
  }

  get shellPid(): number | null {
    return this.session?.pid ?? null;
  }

  /** Close the connection and end the shell with everything it started. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.socketPoll) clearInterval(this.socketPoll);
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.socket?.close(CloseCode.GOING_AWAY, 'agent stopping');
    const session = this.session;
    this.session = null;
    await session?.kill();
    this.screen?.dispose();
    this.screen = null;
  }

  // ---------------------------------------------------------------- connection

  private connect(): void {
    if (this.stopped) return;
    const url = this.relayUrls[this.relayIndex].replace(/^http/, 'ws').replace(/\/+$/, '') + WS_PATH.agent;
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.socket = socket;
    let lastSeen = Date.now();
    let pingId = 1;
    const pinger = setInterval(() => {
      if (Date.now() - lastSeen > DEAD_AFTER_MS) socket.terminate();
      else this.send({ type: 'ping', id: pingId++ });
    }, PING_INTERVAL_MS);

    socket.on('open', () => {
      (socket as unknown as { _socket?: { setNoDelay(v: boolean): void } })._socket?.setNoDelay(true);
      // Output gathered for the old connection goes into the history the hello describes.
      this.flushOutput(false);
      const session = this.session;
      this.outputWindow = null;
      this.outputAcked = session?.streamOffset ?? 0;
      this.send({
        type: 'agent_hello',
        v: PROTOCOL_VERSION,
        machineId: this.options.machineId,
        machineKey: this.options.machineKey,
        hostname: this.options.hostname,
        requiresPassword: this.gate !== null,
        session: session ? { id: session.id, offset: session.streamOffset, cols: session.cols, rows: session.rows } : null,
      });
      if (session) {
        // Recent output, so viewers of a restarted relay can resume without a gap.
        socket.send(encodeOffsetFrame(Frame.HISTORY, this.history.start, this.history.read(this.history.start, AGENT_HISTORY_BYTES)));
      }
    });
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      lastSeen = Date.now();
      if (isBinary) {
        const frame = decodeFrame(raw);
        if (frame?.kind === Frame.INPUT) this.session?.write(frame.data);
        return;
      }
      const message = parseRelayToAgent(raw.toString('utf8'));
      if (message) this.handle(message);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearInterval(pinger);
      if (this.socket === socket) this.socket = null;
      this.pauseReasons.delete('relay');
      this.pauseReasons.delete('socket');
      this.pauseReasons.delete('window');
      this.applyPause();
      if (code === CloseCode.UNAUTHENTICATED) {
        const message = `relay refused this agent's machine key (${reason.toString() || 'unauthenticated'}); enroll again`;
        this.options.log.error(message);
        this.stopped = true;
        this.options.onFatal?.(message);
        return;
      }
      if (code === CloseCode.REPLACED) {
        this.options.log.warn('another agent for this machine connected; this one stops retrying');
        this.stopped = true;
        this.options.onFatal?.('replaced by another agent for the same machine');
        return;
      }
      this.scheduleReconnect();
    });
    socket.on('error', (error) => this.options.log.debug('relay socket error', { error: error.message }));
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    // Several relays: the next attempt goes to the next one (the one we lost may be dead).
    this.relayIndex = (this.relayIndex + 1) % this.relayUrls.length;
    const delay = backoffDelay(this.attempt++);
    this.options.log.info('relay connection lost; retrying', { in_ms: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private send(message: AgentToRelay): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  // ------------------------------------------------------------------ requests

  private handle(message: RelayToAgent): void {
    switch (message.type) {
      case 'agent_welcome':
        this.attempt = 0;
        this.outputWindow = message.outputWindow ?? null;
        this.options.log.info('connected to relay', { machine: message.machineId });
        this.markConnected();
        break;
      case 'start':
        this.startShell(message.cols, message.rows);
        break;
      case 'resize':
        this.resize(message.cols, message.rows);
        break;
      case 'snapshot_request':
        void this.sendSnapshot(message.reqId);
        break;
      case 'password_check':
        void this.checkPassword(message.reqId, message.linkId, message.password);
        break;
      case 'grant_check':
        this.send({ type: 'grant_result', reqId: message.reqId, ok: this.gate?.checkGrant(message.linkId, message.grant) ?? true });
        break;
      case 'output_ack':
        this.outputAcked = Math.max(this.outputAcked, message.offset);
        if (this.pauseReasons.has('window') && this.unacknowledged() < (this.outputWindow ?? 0) / 2) {
          this.pauseReasons.delete('window');
          this.applyPause();
        }
        break;
      case 'flow':
        if (message.paused) this.pauseReasons.add('relay');
        else this.pauseReasons.delete('relay');
        this.applyPause();
        break;
      case 'ping':
        this.send({ type: 'pong', id: message.id });
        break;
      default:
        break;
    }
  }

  private startShell(cols: number, rows: number): void {
    if (this.session) {
      // Already running (a race with a relay restart): the relay learns it from `resized`.
      this.resize(cols, rows);
      this.send({ type: 'session_started', sessionId: this.session.id, cols: this.session.cols, rows: this.session.rows });
      return;
    }
    this.flushOutput();
    this.history.reset(0);
    this.outputAcked = 0; // a new shell's stream starts at offset 0
    this.screen = new ThreadedScreen(cols, rows, () => this.onScreenDrained());
    const session = new PtySession(this.options.shell ?? defaultShell(), cols, rows, {
      onOutput: (offset, data) => this.onOutput(offset, data),
      onExit: (exitCode, signal) => {
        if (this.session !== session) return;
        this.flushOutput(); // the last output goes out before the news that the shell ended
        this.session = null;
        this.screen?.dispose();
        this.screen = null;
        this.pauseReasons.clear();
        this.options.log.info('shell exited', { exit_code: exitCode, signal });
        this.send({ type: 'session_exit', sessionId: session.id, exitCode, signal });
      },
    });
    this.session = session;
    this.options.log.info('shell started', { pid: session.pid, cols, rows });
    this.send({ type: 'session_started', sessionId: session.id, cols, rows });
  }

  private resize(cols: number, rows: number): void {
    if (!this.session) return;
    this.session.resize(cols, rows);
    this.screen?.resize(cols, rows);
    this.send({ type: 'resized', cols: this.session.cols, rows: this.session.rows });
  }

  /**
   * A PTY read. After a quiet spell it goes out at once (a keystroke's echo waits for
   * nothing); while output streams, reads (about 4 KB each) are gathered for up to
   * OUTPUT_GATHER_MS into one frame, so relay, viewers and browsers handle a few large
   * frames instead of thousands of small ones.
   */
  private onOutput(offset: number, data: Uint8Array): void {
    if (this.gathered.length === 0) this.gatheredOffset = offset;
    this.gathered.push(data);
    this.gatheredBytes += data.byteLength;
    if (this.gatherTimer) {
      if (this.gatheredBytes >= OUTPUT_GATHER_MAX) this.flushOutput();
    } else if (performance.now() - this.lastFlushAt >= OUTPUT_GATHER_MS) {
      this.flushOutput();
    } else {
      this.gatherTimer = setTimeout(() => this.flushOutput(), OUTPUT_GATHER_MS);
    }
  }

  /** Hand gathered output to the history, the screen and (when `send`) the relay. */
  private flushOutput(send = true): void {
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.gatherTimer = null;
    this.lastFlushAt = performance.now();
    if (this.gathered.length === 0) return;
    const data = this.gathered.length === 1 ? this.gathered[0] : Buffer.concat(this.gathered);
    const offset = this.gatheredOffset;
    this.gathered = [];
    this.gatheredBytes = 0;
    this.history.append(data);
    this.screen?.write(data);
    const socket = this.socket;
    if (send && socket?.readyState === WebSocket.OPEN) {
      socket.send(encodeOffsetFrame(Frame.OUTPUT, offset, data));
      if (socket.bufferedAmount > AGENT_SOCKET_HIGH_WATER) this.pauseForSocket(socket);
      if (this.outputWindow !== null && this.unacknowledged() > this.outputWindow) {
        this.pauseReasons.add('window');
        this.applyPause();
      }
    }
    if (this.screen && this.screen.backlog > AGENT_SCREEN_HIGH_WATER) {
      this.pauseReasons.add('screen');
      this.applyPause();
    }
  }

  /** Output sent on this connection that the relay has not acknowledged yet. */
  private unacknowledged(): number {
    return (this.session?.streamOffset ?? 0) - this.outputAcked;
  }

  private onScreenDrained(): void {
    if (this.pauseReasons.has('screen') && (this.screen?.backlog ?? 0) < AGENT_SCREEN_HIGH_WATER / 4) {
      this.pauseReasons.delete('screen');
      this.applyPause();
    }
  }

  /** The relay is not reading fast enough: pause the shell until the socket drains. */
  private pauseForSocket(socket: WebSocket): void {
    this.pauseReasons.add('socket');
    this.applyPause();
    if (this.socketPoll) return;
    this.socketPoll = setInterval(() => {
      if (this.socket !== socket || socket.bufferedAmount < AGENT_SOCKET_HIGH_WATER / 4) {
        clearInterval(this.socketPoll!);
        this.socketPoll = null;
        this.pauseReasons.delete('socket');
        this.applyPause();
      }
    }, 10);
  }

  private applyPause(): void {
    this.session?.setPaused(this.pauseReasons.size > 0);
  }

  private async sendSnapshot(reqId: number): Promise<void> {
    const screen = this.screen;
    if (!screen) return;
    const { offset, screen: text } = await screen.snapshot();
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(encodeSnapshotReply(reqId, offset, new TextEncoder().encode(text)));
    }
  }

  private async checkPassword(reqId: number, linkId: string, password: string): Promise<void> {
    if (!this.gate) {
      this.send({ type: 'password_result', reqId, ok: true, retryAfterMs: 0, locked: false });
      return;
    }
    const result = await this.gate.check(linkId, password);
    this.options.log.info('password attempt', { link: linkId, ok: result.ok });
    if (result.ok) this.send({ type: 'password_result', reqId, ok: true, retryAfterMs: 0, locked: false, grant: result.grant });
    else this.send({ type: 'password_result', reqId, ok: false, retryAfterMs: result.retryAfterMs, locked: result.locked });
  }
}
