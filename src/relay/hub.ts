// One machine's shared session as the relay sees it: the agent link, every
// attached viewer, the replay buffer, fan-out with per-viewer flow control,
// presence, the PTY grid and password gating. Holds no shell: the agent does.
import { ByteRing } from '../common/byteRing.js';
import {
  AGENT_OUTPUT_WINDOW,
  RELAY_REPLAY_BYTES,
  VIEWER_HIGH_WATER,
  VIEWER_SKIP_AHEAD,
} from '../common/limits.js';
import {
  CloseCode,
  EndReason,
  ErrorCode,
  Frame,
  encodeInput,
  encodeOffsetFrame,
  type AgentToRelay,
  type RelayToAgent,
  type RelayToViewer,
} from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import type { RelayMetrics } from './metrics.js';
import type { Peer } from './peer.js';

/** Largest OUTPUT frame sent to a viewer: keeps each xterm write short. */
const MAX_OUTPUT_FRAME = 64 * 1024;
/** A viewer whose socket holds more than this unsent is not read from: send it nothing more for now. */
const MAX_VIEWER_BUFFERED = 1024 * 1024;

type Phase =
  /** Waiting for the agent to come (back) online. */
  | 'waiting'
  /** Waiting for the guest to type the machine password. */
  | 'password'
  /** Asked the agent to start a shell; waiting for it. */
  | 'starting'
  /** Waiting for a screen snapshot before streaming. */
  | 'snapshot'
  /** Streaming output. */
  | 'live';

export interface ViewerOptions {
  id: string;
  peer: Peer;
  /** The share link it came through; null for the operator's own attach. */
  linkId: string | null;
  readOnly: boolean;
  who: string;
  cols: number;
  rows: number;
  resume?: { sessionId: string; offset: number };
  grant?: string;
}

interface Viewer extends ViewerOptions {
  phase: Phase;
  /** It asked for its size explicitly (a resize) before it was attached: honour that on join. */
  wantsSize: boolean;
  passwordOk: boolean;
  /** Session whose screen this viewer currently shows. */
  sessionId: string | null;
  sentOffset: number;
  ackedOffset: number;
  grantIssued?: string;
  toldReadOnly: boolean;
}

interface Session {
  id: string;
  cols: number;
  rows: number;
}

export interface AgentLink {
  peer: Peer;
  hostname: string;
  requiresPassword: boolean;
}

export class MachineHub {
  private agent: AgentLink | null = null;
  private session: Session | null = null;
  /**
   * The grid last asked of the agent. Compared against instead of the session's
   * reported size, which lags by a round trip: two resizes in flight (A then B,
   * with the session still at B's size) must not drop B.
   */
  private requestedGrid: { cols: number; rows: number } | null = null;
  /** The last OUTPUT frame encoded for a viewer, reused for the others at the same offset. */
  private lastFrame: { offset: number; bytes: number; frame: Uint8Array } | null = null;
  /** Stream offset last acknowledged to the agent (its output window, see AGENT_OUTPUT_WINDOW). */
  private outputAcked = 0;
  private readonly ring = new ByteRing(RELAY_REPLAY_BYTES);
  private readonly viewers = new Map<string, Viewer>();
  private nextReqId = 1;
  private snapshotReqId: number | null = null;
  private readonly pendingPasswords = new Map<number, string>();
  private readonly pendingGrants = new Map<number, string>();
  private startRequested = false;
  private agentPaused = false;

  constructor(
    readonly machineId: string,
    private readonly log: Logger,
    private readonly metrics: RelayMetrics,
  ) {}

  get online(): boolean {
    return this.agent !== null;
  }

  get requiresPassword(): boolean {
    return this.agent?.requiresPassword ?? false;
  }

  /** Viewers attached now (any phase), optionally through one link. */
  viewerCount(linkId?: string): number {
    let n = 0;
    for (const v of this.viewers.values()) if (linkId === undefined || v.linkId === linkId) n++;
    return n;
  }

  /** True while a shell runs and its agent is connected here. */
  get sessionLive(): boolean {
    return this.agent !== null && this.session !== null;
  }

  viewersByLink(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const v of this.viewers.values()) if (v.linkId) counts.set(v.linkId, (counts.get(v.linkId) ?? 0) + 1);
    return counts;
  }

  isIdle(): boolean {
    return this.agent === null && this.viewers.size === 0;
  }

  // ------------------------------------------------------------------ agent side

  /** A (re)connected agent, with the shell it already runs and its recent output. */
  setAgent(link: AgentLink, session: (Session & { offset: number }) | null): void {
    if (this.agent) this.agent.peer.close(CloseCode.REPLACED, 'replaced by a newer agent connection');
    this.agent = link;
    this.snapshotReqId = null;
    this.startRequested = false;
    this.agentPaused = false;
    this.requestedGrid = null;
    this.outputAcked = session?.offset ?? 0;
    if (session) {
      this.session = { id: session.id, cols: session.cols, rows: session.rows };
      // History (HISTORY frame) follows and fills the ring up to session.offset.
      this.resetRing(session.offset);
    } else {
      this.session = null;
      this.resetRing(0);
    }
    this.log.info('agent online', { machine: this.machineId, session: session?.id ?? null });
    for (const viewer of this.viewers.values()) {
      this.send(viewer, { type: 'agent', online: true });
      // A new agent connection may come with a new password (`agent set-password` renews it):
      // what a viewer proved before is checked again through its grant — silently while the
      // password is unchanged, with a prompt once it is not.
      if (viewer.passwordOk && link.requiresPassword) {
        viewer.passwordOk = false;
        viewer.grant = viewer.grantIssued ?? viewer.grant;
      }
      // A password check in flight died with the old connection: ask again.
      if (viewer.phase === 'password') {
        this.admit(viewer);
        continue;
      }
      viewer.phase = 'waiting';
      if (viewer.sessionId) viewer.resume = { sessionId: viewer.sessionId, offset: viewer.sentOffset };
      this.admit(viewer);
    }
  }

  /** The agent's recent output, sent right after its hello: lets viewers resume across a relay restart. */
  agentHistory(startOffset: number, data: Uint8Array): void {
    if (!this.session) return;
    if (startOffset + data.byteLength !== this.ring.end || this.ring.start !== this.ring.end) return;
    this.resetRing(startOffset);
    this.ring.append(data);
    for (const viewer of this.viewers.values()) this.pump(viewer);
  }

  agentGone(link: AgentLink): void {
    if (this.agent !== link) return;
    this.agent = null;
    this.snapshotReqId = null;
    this.pendingPasswords.clear();
    this.pendingGrants.clear();
    this.log.info('agent offline', { machine: this.machineId });
    for (const viewer of this.viewers.values()) {
      if (viewer.phase !== 'password') viewer.phase = 'waiting';
      this.send(viewer, { type: 'agent', online: false });
    }
  }

  agentOutput(link: AgentLink, offset: number, data: Uint8Array): void {
    if (this.agent !== link || !this.session) return;
    this.metrics.bytesFromAgents += data.byteLength;
    if (offset !== this.ring.end) {
      // A gap means the agent and relay disagree about the stream: start over from a fresh screen.
      this.log.warn('output offset gap', { machine: this.machineId, expected: this.ring.end, got: offset });
      this.resetRing(offset);
    }
    this.ring.append(data);
    if (this.ring.end - this.outputAcked >= AGENT_OUTPUT_WINDOW / 4) {
      this.outputAcked = this.ring.end;
      this.sendAgent({ type: 'output_ack', offset: this.ring.end });
    }
    for (const viewer of this.viewers.values()) this.pump(viewer);
    this.updateFlow();
  }

  agentMessage(link: AgentLink, message: AgentToRelay): void {
    if (this.agent !== link) return;
    switch (message.type) {
      case 'session_started': {
        this.session = { id: message.sessionId, cols: message.cols, rows: message.rows };
        this.requestedGrid = null;
        this.outputAcked = 0;
        this.resetRing(0);
        this.startRequested = false;
        for (const viewer of this.viewers.values()) {
          if (viewer.phase === 'starting' || viewer.phase === 'waiting') this.enterStream(viewer);
        }
        break;
      }
      case 'session_exit': {
        if (this.session?.id !== message.sessionId) break;
        this.session = null;
        this.resetRing(0);
        const detail = message.exitCode !== null ? ` (exit code ${message.exitCode})` : '';
        for (const viewer of [...this.viewers.values()]) {
          if (viewer.phase === 'password') continue;
          this.end(viewer, EndReason.shellExited, `The shell on this machine ended${detail}.`, CloseCode.SESSION_ENDED);
        }
        break;
      }
      case 'resized': {
        if (!this.session) break;
        this.session.cols = message.cols;
        this.session.rows = message.rows;
        for (const viewer of this.viewers.values()) {
          if (viewer.phase === 'live' || viewer.phase === 'snapshot') {
            this.send(viewer, { type: 'size', cols: message.cols, rows: message.rows });
          }
        }
        break;
      }
      case 'password_result': {
        const viewerId = this.pendingPasswords.get(message.reqId);
        this.pendingPasswords.delete(message.reqId);
        const viewer = viewerId ? this.viewers.get(viewerId) : undefined;
        if (!viewer || viewer.phase !== 'password') break;
        if (message.ok) {
          viewer.passwordOk = true;
          viewer.grantIssued = message.grant;
          this.join(viewer);
        } else {
          this.send(viewer, {
            type: 'password',
            status: message.locked ? 'locked' : 'wrong',
            retryAfterMs: message.retryAfterMs,
          });
        }
        break;
      }
      case 'grant_result': {
        const viewerId = this.pendingGrants.get(message.reqId);
        this.pendingGrants.delete(message.reqId);
        const viewer = viewerId ? this.viewers.get(viewerId) : undefined;
        if (!viewer || viewer.phase !== 'password') break;
        if (message.ok) {
          viewer.passwordOk = true;
          viewer.grantIssued = viewer.grant;
          this.join(viewer);
        } else {
          this.send(viewer, { type: 'password', status: 'required', retryAfterMs: 0 });
        }
        break;
      }
      default:
        break;
    }
  }

  agentSnapshot(link: AgentLink, reqId: number, offset: number, screen: Uint8Array): void {
    if (this.agent !== link || reqId !== this.snapshotReqId) return;
    this.snapshotReqId = null;
    if (!this.ring.covers(offset)) {
      // The ring moved past the snapshot (heavy flood): ask again.
      this.requestSnapshot();
      return;
    }
    const frame = encodeOffsetFrame(Frame.SNAPSHOT, offset, screen);
    for (const viewer of this.viewers.values()) {
      // A socket that is not being read keeps waiting (its next ack asks again); liveness ends it if it never reads.
      if (viewer.phase !== 'snapshot' || viewer.peer.bufferedAmount > MAX_VIEWER_BUFFERED) continue;
      viewer.peer.sendBinary(frame);
      viewer.sentOffset = offset;
      viewer.ackedOffset = offset;
      viewer.phase = 'live';
      this.pump(viewer);
    }
    this.updateFlow();
  }

  // ----------------------------------------------------------------- viewer side

  /** A viewer that passed token checks. It becomes live once the agent, password and shell allow. */
  attach(options: ViewerOptions): void {
    const viewer: Viewer = {
      ...options,
      phase: 'waiting',
      passwordOk: false,
      sessionId: null,
      sentOffset: 0,
      ackedOffset: 0,
      toldReadOnly: false,
      wantsSize: false,
    };
    this.viewers.set(viewer.id, viewer);
    if (!this.agent) this.send(viewer, { type: 'agent', online: false });
    else this.admit(viewer);
      }

  detach(viewerId: string): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return;
    this.viewers.delete(viewerId);
    if (viewer.phase === 'live' || viewer.phase === 'snapshot') this.broadcastPresence({ kind: 'leave', who: viewer.who });
    this.updateFlow();
      }

  viewerInput(viewerId: string, data: Uint8Array): void {
    const viewer = this.viewers.get(viewerId);
    // Input counts once the viewer is attached to the session, even while its screen is still loading.
    if (!viewer || (viewer.phase !== 'live' && viewer.phase !== 'snapshot') || !this.agent || !this.session) return;
    if (viewer.readOnly) {
      this.tellReadOnly(viewer);
      return;
    }
    // Typing makes this viewer the most recently active one: the grid follows it.
    this.takeSize(viewer);
    this.metrics.bytesOfInput += data.byteLength;
    this.agent.peer.sendBinary(encodeInput(data));
  }

  viewerResize(viewerId: string, cols: number, rows: number): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return;
    viewer.cols = cols;
    viewer.rows = rows;
    if (viewer.readOnly) return;
    if (viewer.phase === 'live' || viewer.phase === 'snapshot') this.takeSize(viewer);
    else viewer.wantsSize = true;
  }

  viewerAck(viewerId: string, offset: number): void {
    const viewer = this.viewers.get(viewerId);
    if (viewer?.phase === 'snapshot') this.requestSnapshot(); // it skipped a snapshot while its socket was full
    if (!viewer || viewer.phase !== 'live') return;
    const acked = Math.min(offset, viewer.sentOffset);
    if (acked > viewer.ackedOffset) viewer.ackedOffset = acked;
    this.pump(viewer);
    this.updateFlow();
  }

  viewerPassword(viewerId: string, password: string): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer || viewer.phase !== 'password' || !this.agent) return;
    const reqId = this.nextReqId++;
    this.pendingPasswords.set(reqId, viewer.id);
    this.sendAgent({ type: 'password_check', reqId, linkId: this.attemptKey(viewer), password });
  }

  /** End every viewer attached through `linkId` (revoked or expired). */
  endLink(linkId: string, reason: EndReason, message: string): number {
    let ended = 0;
    for (const viewer of [...this.viewers.values()]) {
      if (viewer.linkId !== linkId) continue;
      this.end(viewer, reason, message, CloseCode.LINK_GONE);
      ended++;
    }
    return ended;
  }

  /** Close everyone (relay shutting down): they reconnect elsewhere or later. */
  closeAll(code: number, reason: string): void {
    for (const viewer of this.viewers.values()) viewer.peer.close(code, reason);
    this.agent?.peer.close(code, reason);
  }

  // ------------------------------------------------------------------- internals

  private admit(viewer: Viewer): void {
    if (!this.agent) return;
    if (this.agent.requiresPassword && !viewer.passwordOk) {
      viewer.phase = 'password';
      if (viewer.grant) {
        const reqId = this.nextReqId++;
        this.pendingGrants.set(reqId, viewer.id);
        this.sendAgent({ type: 'grant_check', reqId, linkId: this.attemptKey(viewer), grant: viewer.grant });
      } else {
        this.send(viewer, { type: 'password', status: 'required', retryAfterMs: 0 });
      }
      return;
    }
    this.join(viewer);
  }

  private join(viewer: Viewer): void {
    if (!this.agent) return;
    if (!this.session) {
      viewer.phase = 'starting';
      if (!this.startRequested) {
        this.startRequested = true;
        // The first viewer's size is the shell's size from its very first byte.
        this.sendAgent({ type: 'start', cols: viewer.cols, rows: viewer.rows });
      }
      return;
    }
    // Joining alone takes the grid; joining others does not disturb theirs (typing or resizing will).
    if (!viewer.readOnly && (viewer.wantsSize || !this.hasOtherAttached(viewer))) this.takeSize(viewer);
    this.enterStream(viewer);
  }

  private enterStream(viewer: Viewer): void {
    const session = this.session;
    if (!session) return;
    const wasLive = viewer.sessionId !== null;
    this.send(viewer, { type: 'attached', sessionId: session.id, cols: session.cols, rows: session.rows, grant: viewer.grantIssued });
    const resume = viewer.resume;
    viewer.resume = undefined;
    viewer.sessionId = session.id;
    const resumable = resume && resume.sessionId === session.id && this.ring.covers(resume.offset);
    if (resume && resumable && !(this.ring.end - resume.offset > VIEWER_SKIP_AHEAD && this.someoneKeepsUp(viewer))) {
      viewer.sentOffset = resume.offset;
      viewer.ackedOffset = resume.offset;
      viewer.phase = 'live';
      this.pump(viewer);
    } else if (this.ring.start === 0 && this.ring.end === 0) {
      viewer.sentOffset = 0;
      viewer.ackedOffset = 0;
      viewer.phase = 'live';
    } else {
      this.requestSnapshotFor(viewer);
    }
    if (!wasLive) this.broadcastPresence({ kind: 'join', who: viewer.who }, viewer);
    this.sendPresence(viewer);
    this.updateFlow();
  }

  private pump(viewer: Viewer): void {
    if (viewer.phase !== 'live') return;
    // Skip ahead to the current screen only when the bytes are gone, or when this viewer is far
    // behind while someone else keeps the shell running. When everyone is behind the shell is
    // paused instead, and every byte arrives.
    const farBehind = this.ring.end - viewer.sentOffset > VIEWER_SKIP_AHEAD && this.someoneKeepsUp(viewer);
    if (!this.ring.covers(viewer.sentOffset) || farBehind) {
      this.requestSnapshotFor(viewer);
      return;
    }
    while (
      viewer.sentOffset < this.ring.end &&
      viewer.sentOffset - viewer.ackedOffset < VIEWER_HIGH_WATER &&
      viewer.peer.bufferedAmount < MAX_VIEWER_BUFFERED
    ) {
      const out = this.outputFrameAt(viewer.sentOffset);
      if (!out) break;
      viewer.peer.sendBinary(out.frame);
      this.metrics.bytesToViewers += out.bytes;
      viewer.sentOffset += out.bytes;
    }
  }

  /**
   * The OUTPUT frame for the replay bytes from `offset`. Viewers that keep up all ask
   * for the same range in turn: it is encoded once and the same bytes go to each socket.
   */
  private outputFrameAt(offset: number): { frame: Uint8Array; bytes: number } | null {
    const end = Math.min(this.ring.end, offset + MAX_OUTPUT_FRAME);
    const cached = this.lastFrame;
    if (cached && cached.offset === offset && cached.offset + cached.bytes === end) return cached;
    const chunk = this.ring.read(offset, MAX_OUTPUT_FRAME);
    if (chunk.byteLength === 0) return null;
    this.lastFrame = { offset, bytes: chunk.byteLength, frame: encodeOffsetFrame(Frame.OUTPUT, offset, chunk) };
    return this.lastFrame;
  }

  /** Replay buffer starts over at `offset` (new shell, agent back, a gap): cached frames are stale. */
  private resetRing(offset: number): void {
    this.ring.reset(offset);
    this.lastFrame = null;
  }

  /** Another live viewer that is not behind: the shell will not be paused for `viewer`. */
  private someoneKeepsUp(viewer: Viewer): boolean {
    for (const v of this.viewers.values()) {
      if (v !== viewer && v.phase === 'live' && v.sentOffset - v.ackedOffset < VIEWER_HIGH_WATER) return true;
    }
    return false;
  }

  private requestSnapshotFor(viewer: Viewer): void {
    viewer.phase = 'snapshot';
    this.requestSnapshot();
  }

  private requestSnapshot(): void {
    if (this.snapshotReqId !== null || !this.agent) return;
    this.snapshotReqId = this.nextReqId++;
    this.sendAgent({ type: 'snapshot_request', reqId: this.snapshotReqId });
  }

  /**
   * Pause the shell only when every live viewer is behind; resume as soon as one
   * has room again. With no viewers the shell runs free (the agent's screen keeps up).
   */
  private updateFlow(): void {
    const live = [...this.viewers.values()].filter((v) => v.phase === 'live');
    const behind = (v: Viewer) => v.sentOffset - v.ackedOffset >= VIEWER_HIGH_WATER;
    const roomy = (v: Viewer) => v.sentOffset - v.ackedOffset < VIEWER_HIGH_WATER / 2;
    const shouldPause = this.agentPaused
      ? live.length > 0 && !live.some(roomy)
      : live.length > 0 && live.every(behind);
    if (shouldPause !== this.agentPaused) {
      this.agentPaused = shouldPause;
      this.sendAgent({ type: 'flow', paused: shouldPause });
    }
  }

  private takeSize(viewer: Viewer): void {
    if (!this.session || !this.agent) return;
    const current = this.requestedGrid ?? this.session;
    if (current.cols === viewer.cols && current.rows === viewer.rows) return;
    this.requestedGrid = { cols: viewer.cols, rows: viewer.rows };
    this.sendAgent({ type: 'resize', cols: viewer.cols, rows: viewer.rows });
  }

  private tellReadOnly(viewer: Viewer): void {
    if (viewer.toldReadOnly) return;
    viewer.toldReadOnly = true;
    this.send(viewer, { type: 'error', code: ErrorCode.READ_ONLY, message: 'This link is view only: input is not sent.' });
  }

  private attemptKey(viewer: Viewer): string {
    return viewer.linkId ?? `operator:${viewer.who}`;
  }

  private end(viewer: Viewer, reason: EndReason, message: string, code: number): void {
    this.send(viewer, { type: 'ended', reason, message });
    viewer.peer.close(code, reason);
    this.detach(viewer.id);
  }

  private hasOtherAttached(viewer: Viewer): boolean {
    for (const v of this.viewers.values()) if (v !== viewer && (v.phase === 'live' || v.phase === 'snapshot')) return true;
    return false;
  }

  private attachedCount(): number {
    let n = 0;
    for (const v of this.viewers.values()) if (v.phase === 'live' || v.phase === 'snapshot') n++;
    return n;
  }

  /** Tell everyone attached (but `except`, who gets a plain count) that someone joined or left. */
  private broadcastPresence(event: { kind: 'join' | 'leave'; who: string }, except?: Viewer): void {
    const count = this.attachedCount();
    for (const viewer of this.viewers.values()) {
      if (viewer === except) continue;
      if (viewer.phase === 'live' || viewer.phase === 'snapshot') this.send(viewer, { type: 'presence', count, event });
    }
  }

  private sendPresence(viewer: Viewer): void {
    this.send(viewer, { type: 'presence', count: this.attachedCount() });
  }

  private send(viewer: Viewer, message: RelayToViewer): void {
    viewer.peer.sendJson(message);
  }

  private sendAgent(message: RelayToAgent): void {
    this.agent?.peer.sendJson(message);
  }
}
