// The one wire contract between browser, CLI, relay and agent: message shapes,
// binary frame layout, error and close codes, and the validators used at every
// trust boundary. Nothing else in the codebase defines a wire shape.

/** Protocol version carried in every first message; a mismatch closes with VERSION_MISMATCH. */
export const PROTOCOL_VERSION = 1;

/** WebSocket paths on the relay (one port serves HTTP and both sockets). */
export const WS_PATH = { attach: '/ws/attach', agent: '/ws/agent' } as const;

/** Error codes returned by the HTTP API, sent in `error` messages and printed by the CLI. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  AMBIGUOUS: 'AMBIGUOUS',
  BAD_REQUEST: 'BAD_REQUEST',
  BAD_TTL: 'BAD_TTL',
  BAD_MESSAGE: 'BAD_MESSAGE',
  TOO_LARGE: 'TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  VERSION_MISMATCH: 'VERSION_MISMATCH',
  AGENT_OFFLINE: 'AGENT_OFFLINE',
  /** The CLI could not reach the relay at all (never sent by a relay). */
  RELAY_UNREACHABLE: 'RELAY_UNREACHABLE',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  LOCKED: 'LOCKED',
  READ_ONLY: 'READ_ONLY',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why a link no longer works (lookup answers and `ended` messages say which). */
export const LinkProblem = { unknown: 'unknown', expired: 'expired', revoked: 'revoked' } as const;
export type LinkProblem = (typeof LinkProblem)[keyof typeof LinkProblem];

/** WebSocket close codes, 4000 range mirroring HTTP. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  /** Shell exited; the client may ask for a new one by reconnecting. */
  SESSION_ENDED: 4000,
  /** Malformed or out-of-order message. */
  BAD_MESSAGE: 4400,
  /** Unknown, revoked or expired token / key. */
  UNAUTHENTICATED: 4401,
  /** Authenticated but not allowed (wrong workspace, locked password). */
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  VERSION_MISMATCH: 4409,
  /** The link expired or was revoked while attached. */
  LINK_GONE: 4410,
  RATE_LIMITED: 4429,
  INTERNAL: 4500,
  /** Agent went away or the relay is draining: come back later. */
  UNAVAILABLE: 4503,
  /** A newer connection of the same agent replaced this one. */
  REPLACED: 4001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client should reconnect on its own. */
export function isRetryableClose(code: number): boolean {
  return (
    code === CloseCode.GOING_AWAY ||
    code === 1005 || // no status: the peer vanished
    code === 1006 || // abnormal: network dropped
    code === 1011 ||
    code === 1012 ||
    code === 1013 ||
    code === CloseCode.INTERNAL ||
    code === CloseCode.UNAVAILABLE
  );
}

/** Why a session ended for a client. */
export const EndReason = {
  revoked: 'revoked',
  expired: 'expired',
  shellExited: 'shell_exited',
  kicked: 'kicked',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

export type Auth =
  /** A guest holding a share link (full token, `shr_…`). */
  | { kind: 'share'; token: string }
  /** The operator attaching from the CLI with a workspace key. */
  | { kind: 'operator'; key: string; machine: string };

// ---------------------------------------------------------------- viewer side

/** Messages a viewer (browser or CLI attach) sends to the relay as text frames. */
export type ViewerToRelay =
  /** First message: who I am, my grid, and where to resume from. */
  | {
      type: 'hello';
      v: number;
      auth: Auth;
      cols: number;
      rows: number;
      /** Resume an existing session after a reconnect: last offset fully received. */
      resume?: { sessionId: string; offset: number };
      /** A grant from an earlier password check on this link, so reconnects do not prompt again. */
      grant?: string;
      /** 'web' or 'cli': shown in presence and the audit trail. */
      client: 'web' | 'cli';
    }
  /** Answer to `password` status `required` / `wrong`. */
  | { type: 'password'; password: string }
  /** Take the PTY size (window resized or "use my size"). */
  | { type: 'resize'; cols: number; rows: number }
  /** Everything up to `offset` has been processed by the terminal (flow control). */
  | { type: 'ack'; offset: number }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number };

/** Messages the relay sends to a viewer as text frames. */
export type RelayToViewer =
  | {
      type: 'welcome';
      v: number;
      machine: { id: string; hostname: string };
      /** ISO time the link stops working, or null for never (and for operator attach). */
      expiresAt: string | null;
      readOnly: boolean;
      viewerId: string;
    }
  /** The machine has a password: prompt (status tells why), wait `retryAfterMs` when locked. */
  | { type: 'password'; status: 'required' | 'wrong' | 'locked'; retryAfterMs: number }
  /** Live: output frames follow. `grant` lets a reconnect skip the password prompt. */
  | { type: 'attached'; sessionId: string; cols: number; rows: number; grant?: string }
  /** The PTY grid changed: render exactly this. */
  | { type: 'size'; cols: number; rows: number }
  /** How many are attached; `event` names a join or leave that just happened. */
  | { type: 'presence'; count: number; event?: { kind: 'join' | 'leave'; who: string } }
  /** The machine's agent went offline / came back; the page waits while it is away. */
  | { type: 'agent'; online: boolean }
  /** This session is over for this client; the socket closes right after. */
  | { type: 'ended'; reason: EndReason; message: string }
  /** A refusal; `reason` says why a share link no longer works. */
  | { type: 'error'; code: ErrorCode; message: string; reason?: LinkProblem; expiredAt?: string; retryAfterMs?: number }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number };

// ----------------------------------------------------------------- agent side

/** Messages an agent sends to the relay as text frames. */
export type AgentToRelay =
  | {
      type: 'agent_hello';
      v: number;
      machineId: string;
      machineKey: string;
      hostname: string;
      requiresPassword: boolean;
      /** The shell already running (after a relay restart), or null. */
      session: { id: string; offset: number; cols: number; rows: number } | null;
    }
  | { type: 'session_started'; sessionId: string; cols: number; rows: number }
  | { type: 'session_exit'; sessionId: string; exitCode: number | null; signal: number | null }
  | { type: 'resized'; cols: number; rows: number }
  /** Answer to `password_check`; `grant` is set when ok. */
  | { type: 'password_result'; reqId: number; ok: boolean; retryAfterMs: number; locked: boolean; grant?: string }
  | { type: 'grant_result'; reqId: number; ok: boolean }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number };

/** Messages the relay sends to an agent as text frames. */
export type RelayToAgent =
  /** `outputWindow`: the agent keeps at most this much output unacknowledged (absent: no limit, an older relay). */
  | { type: 'agent_welcome'; machineId: string; outputWindow?: number }
  /** The relay has taken the session's output up to this stream offset. */
  | { type: 'output_ack'; offset: number }
  /** Spawn the shell at this size if none runs; resize it otherwise. */
  | { type: 'start'; cols: number; rows: number }
  | { type: 'resize'; cols: number; rows: number }
  /** Check a password attempt; lockouts are counted per `linkId`. */
  | { type: 'password_check'; reqId: number; linkId: string; password: string }
  /** Is this grant (from an earlier password_result) still good for this link? */
  | { type: 'grant_check'; reqId: number; linkId: string; grant: string }
  /** Send the current screen as a SNAPSHOT frame. */
  | { type: 'snapshot_request'; reqId: number }
  /** Every viewer is behind (or none can take more): pause / resume reading the PTY. */
  | { type: 'flow'; paused: boolean }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number };

// ------------------------------------------------------------- binary frames

/** First byte of every binary frame. */
export const Frame = {
  /** [kind][f64 offset][bytes]: PTY output starting at stream offset. agent→relay→viewer. */
  OUTPUT: 0x01,
  /** [kind][f64 offset][utf8 screen]: replace the screen; the stream continues at offset. relay→viewer. */
  SNAPSHOT: 0x02,
  /** [kind][bytes]: keyboard / paste input. viewer→relay→agent. */
  INPUT: 0x03,
  /** [kind][u32 reqId][f64 offset][utf8 screen]: answer to snapshot_request. agent→relay. */
  SNAPSHOT_REPLY: 0x04,
  /** [kind][f64 startOffset][bytes]: the agent's recent output, sent after each (re)connect. */
  HISTORY: 0x05,
} as const;

export type DecodedFrame =
  | { kind: typeof Frame.OUTPUT; offset: number; data: Uint8Array }
  | { kind: typeof Frame.SNAPSHOT; offset: number; data: Uint8Array }
  | { kind: typeof Frame.INPUT; data: Uint8Array }
  | { kind: typeof Frame.SNAPSHOT_REPLY; reqId: number; offset: number; data: Uint8Array }
  | { kind: typeof Frame.HISTORY; offset: number; data: Uint8Array };

function withHeader(kind: number, headerBytes: number, data: Uint8Array): { frame: Uint8Array; view: DataView } {
  const frame = new Uint8Array(1 + headerBytes + data.byteLength);
  frame[0] = kind;
  frame.set(data, 1 + headerBytes);
  return { frame, view: new DataView(frame.buffer, frame.byteOffset, frame.byteLength) };
}

/** OUTPUT, SNAPSHOT or HISTORY frame: kind, then a float64 stream offset, then bytes. */
export function encodeOffsetFrame(
  kind: typeof Frame.OUTPUT | typeof Frame.SNAPSHOT | typeof Frame.HISTORY,
  offset: number,
  data: Uint8Array,
): Uint8Array {
  const { frame, view } = withHeader(kind, 8, data);
  view.setFloat64(1, offset);
  return frame;
}

export function encodeInput(data: Uint8Array): Uint8Array {
  return withHeader(Frame.INPUT, 0, data).frame;
}

export function encodeSnapshotReply(reqId: number, offset: number, data: Uint8Array): Uint8Array {
  const { frame, view } = withHeader(Frame.SNAPSHOT_REPLY, 12, data);
  view.setUint32(1, reqId);
  view.setFloat64(5, offset);
  return frame;
}

/** Decode a binary frame; null when it is malformed (the caller answers BAD_MESSAGE). */
export function decodeFrame(bytes: Uint8Array): DecodedFrame | null {
  if (bytes.byteLength < 1) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = bytes[0];
  const offsetAt = (at: number): number | null => {
    if (bytes.byteLength < at + 8) return null;
    const offset = view.getFloat64(at);
    return Number.isSafeInteger(offset) && offset >= 0 ? offset : null;
  };
  switch (kind) {
    case Frame.OUTPUT:
    case Frame.SNAPSHOT:
    case Frame.HISTORY: {
      const offset = offsetAt(1);
      if (offset === null) return null;
      return { kind, offset, data: bytes.subarray(9) };
    }
    case Frame.INPUT:
      return { kind, data: bytes.subarray(1) };
    case Frame.SNAPSHOT_REPLY: {
      if (bytes.byteLength < 13) return null;
      const offset = offsetAt(5);
      if (offset === null) return null;
      return { kind, reqId: view.getUint32(1), offset, data: bytes.subarray(13) };
    }
    default:
      return null;
  }
}

// ----------------------------------------------------------------- validation

/** Largest text (control) frame accepted from a viewer or agent. */
export const MAX_CONTROL_BYTES = 8 * 1024;
/** Terminal grid bounds; anything outside is clamped, never trusted. */
export const GRID = { minCols: 10, maxCols: 1000, minRows: 3, maxRows: 500 } as const;

export function clampGrid(cols: number, rows: number): { cols: number; rows: number } {
  const c = Number.isFinite(cols) ? Math.round(cols) : 80;
  const r = Number.isFinite(rows) ? Math.round(rows) : 24;
  return {
    cols: Math.min(GRID.maxCols, Math.max(GRID.minCols, c)),
    rows: Math.min(GRID.maxRows, Math.max(GRID.minRows, r)),
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;

function parseJson(text: string, maxBytes = MAX_CONTROL_BYTES): Obj | null {
  if (text.length > maxBytes) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isObj(value) ? value : null;
  } catch {
    return null;
  }
}

function parseAuth(v: unknown): Auth | null {
  if (!isObj(v)) return null;
  if (v.kind === 'share' && isStr(v.token, 200)) return { kind: 'share', token: v.token };
  if (v.kind === 'operator' && isStr(v.key, 200) && isStr(v.machine, 300)) {
    return { kind: 'operator', key: v.key, machine: v.machine };
  }
  return null;
}

/** Validate a viewer's text frame. Null means BAD_MESSAGE. */
export function parseViewerMessage(text: string): ViewerToRelay | null {
  const m = parseJson(text);
  if (!m) return null;
  switch (m.type) {
    case 'hello': {
      const auth = parseAuth(m.auth);
      if (!auth || !isNum(m.v) || !isNum(m.cols) || !isNum(m.rows)) return null;
      const client = m.client === 'cli' ? 'cli' : 'web';
      let resume: { sessionId: string; offset: number } | undefined;
      if (m.resume !== undefined) {
        if (!isObj(m.resume) || !isStr(m.resume.sessionId, 100) || !isOffset(m.resume.offset)) return null;
        resume = { sessionId: m.resume.sessionId, offset: m.resume.offset };
      }
      if (m.grant !== undefined && !isStr(m.grant, 200)) return null;
      const { cols, rows } = clampGrid(m.cols, m.rows);
      return { type: 'hello', v: m.v, auth, cols, rows, resume, grant: m.grant as string | undefined, client };
    }
    case 'password':
      return isStr(m.password, 1024) ? { type: 'password', password: m.password } : null;
    case 'resize':
      return isNum(m.cols) && isNum(m.rows) ? { type: 'resize', ...clampGrid(m.cols, m.rows) } : null;
    case 'ack':
      return isOffset(m.offset) ? { type: 'ack', offset: m.offset } : null;
    case 'ping':
    case 'pong':
      return isNum(m.id) ? { type: m.type, id: m.id } : null;
    default:
      return null;
  }
}

/**
 * A machine name as enrolment and agents may give it: letters, digits, dot, dash and
 * underscore. It is printed in operators' terminals and guests' pages, so nothing else.
 */
export function isValidHostname(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(value);
}

/** Validate an agent's text frame. Null means BAD_MESSAGE. */
export function parseAgentMessage(text: string): AgentToRelay | null {
  const m = parseJson(text);
  if (!m) return null;
  switch (m.type) {
    case 'agent_hello': {
      if (!isNum(m.v) || !isStr(m.machineId, 100) || !isStr(m.machineKey, 200) || !isValidHostname(m.hostname)) return null;
      if (typeof m.requiresPassword !== 'boolean') return null;
      let session: { id: string; offset: number; cols: number; rows: number } | null = null;
      if (m.session !== null) {
        const s = m.session;
        if (!isObj(s) || !isStr(s.id, 100) || !isOffset(s.offset) || !isNum(s.cols) || !isNum(s.rows)) return null;
        session = { id: s.id, offset: s.offset, ...clampGrid(s.cols, s.rows) };
      }
      return {
        type: 'agent_hello',
        v: m.v,
        machineId: m.machineId,
        machineKey: m.machineKey,
        hostname: m.hostname,
        requiresPassword: m.requiresPassword,
        session,
      };
    }
    case 'session_started':
      return isStr(m.sessionId, 100) && isNum(m.cols) && isNum(m.rows)
        ? { type: 'session_started', sessionId: m.sessionId, ...clampGrid(m.cols, m.rows) }
        : null;
    case 'session_exit':
      return isStr(m.sessionId, 100)
        ? {
            type: 'session_exit',
            sessionId: m.sessionId,
            exitCode: isNum(m.exitCode) ? m.exitCode : null,
            signal: isNum(m.signal) ? m.signal : null,
          }
        : null;
    case 'resized':
      return isNum(m.cols) && isNum(m.rows) ? { type: 'resized', ...clampGrid(m.cols, m.rows) } : null;
    case 'password_result':
      return isNum(m.reqId) && typeof m.ok === 'boolean' && isNum(m.retryAfterMs) && typeof m.locked === 'boolean'
        ? {
            type: 'password_result',
            reqId: m.reqId,
            ok: m.ok,
            retryAfterMs: m.retryAfterMs,
            locked: m.locked,
            grant: isStr(m.grant, 200) ? m.grant : undefined,
          }
        : null;
    case 'grant_result':
      return isNum(m.reqId) && typeof m.ok === 'boolean' ? { type: 'grant_result', reqId: m.reqId, ok: m.ok } : null;
    case 'ping':
    case 'pong':
      return isNum(m.id) ? { type: m.type, id: m.id } : null;
    default:
      return null;
  }
}

/** Validate a relay→viewer text frame (the browser and CLI trust the relay, but not blindly). */
export function parseRelayToViewer(text: string): RelayToViewer | null {
  const m = parseJson(text, 64 * 1024);
  if (!m || typeof m.type !== 'string') return null;
  return m as unknown as RelayToViewer;
}

/** Validate a relay→agent text frame. */
export function parseRelayToAgent(text: string): RelayToAgent | null {
  const m = parseJson(text, 64 * 1024);
  if (!m || typeof m.type !== 'string') return null;
  return m as unknown as RelayToAgent;
}

// ------------------------------------------------------------------- HTTP API

/** Answer of `GET /api/link` (share token in `Authorization: Share shr_…`). */
export interface LinkInfo {
  machine: { id: string; hostname: string };
  expires_at: string | null;
  requires_password: boolean;
  online: boolean;
  read_only: boolean;
}

/** Error body of every failing HTTP API call. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** For UNAUTHENTICATED on a share link: why it no longer works. */
  reason?: LinkProblem;
  expired_at?: string;
  retry_after_ms?: number;
}

/** Answer of minting a link (`POST /api/shares`), printed as-is by `termlink share`. */
export interface MintedShare {
  url: string;
  token: string;
  machine_id: string;
  expires_at: string | null;
}

/** Token prefixes: what kind of secret a string is, at a glance. */
export const TokenPrefix = { share: 'shr_', operatorKey: 'tlk_', machineKey: 'tlm_' } as const;
