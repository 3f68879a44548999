// The share page's connection state: one discriminated union driven by a pure
// reducer. RelayConnection feeds it socket and timer events; React reads it.
// No sockets, timers or DOM here, so every transition is unit tested.
import {
  CloseCode,
  ErrorCode,
  isRetryableClose,
  type EndReason,
  type LinkProblem,
  type RelayToViewer,
} from '../../common/protocol.js';

/** Why the session is over for this page while a screen is shown (banner-ended data-reason). */
export type EndedReason = EndReason | LinkProblem | 'closed' | 'error';
/** Why the page never got a screen (problem page data-reason). */
export type FailedReason = LinkProblem | 'rate_limited' | 'locked' | 'version' | 'error';

/** A short message shown for a few seconds (presence, refused input, view only). */
export interface Toast {
  id: number;
  text: string;
  /** Epoch ms after which the toast is gone (the connection clears it). */
  until: number;
}

/** What every phase knows: learned from welcome / attached / presence / pong. */
export interface Shared {
  hostname: string | null;
  expiresAt: string | null;
  readOnly: boolean;
  /** People attached (presence count), null until the relay says. */
  presence: number | null;
  rttMs: number | null;
  /** False while the relay says the machine's agent is away. */
  agentOnline: boolean;
  /** The session shown; resume target after a reconnect. Null after "start a new session". */
  sessionId: string | null;
  /** Password grant from the last `attached`, kept in memory only. */
  grant: string | null;
  /** The PTY grid the terminal renders. */
  grid: { cols: number; rows: number } | null;
  /** Has this page ever shown a live screen (decides ended-with-screen vs failed page). */
  everLive: boolean;
  /** The last refusal before a close: its reason explains the close. */
  lastError: { code: ErrorCode; message: string; reason?: LinkProblem; retryAfterMs?: number } | null;
  toast: Toast | null;
  /** Last toast id handed out (ids stay unique so a stale timer clears nothing new). */
  toastSeq: number;
}

export type ConnectionState = Shared &
  (
    | { phase: 'connecting' }
    | {
        phase: 'password';
        status: 'required' | 'wrong' | 'locked';
        /** Epoch ms when a lock ends (status 'locked'), else null. */
        lockedUntil: number | null;
        /** A password was sent and no answer has come yet. */
        checking: boolean;
      }
    | { phase: 'live' }
    | { phase: 'reconnecting'; attempt: number }
    | { phase: 'ended'; reason: EndedReason; message: string }
    | { phase: 'failed'; reason: FailedReason; message: string; retryAfterMs: number | null }
  );

export type Phase = ConnectionState['phase'];

export type ConnectionEvent =
  /** A text message from the relay (already validated by parseRelayToViewer). */
  | { type: 'message'; message: RelayToViewer; now: number }
  /** The socket closed (or was abandoned as dead, reported as 1006). */
  | { type: 'closed'; code: number }
  /** A new socket is being opened (reconnect attempt or first connect). */
  | { type: 'dialing' }
  | { type: 'password-sent' }
  /** "Start a new session": forget the old session, connect fresh. */
  | { type: 'restart' }
  | { type: 'rtt'; ms: number }
  | { type: 'toast'; text: string; now: number; ms?: number }
  | { type: 'toast-expired'; id: number };

export const TOAST_MS = 3_000;

export function initialState(): ConnectionState {
  return {
    phase: 'connecting',
    hostname: null,
    expiresAt: null,
    readOnly: false,
    presence: null,
    rttMs: null,
    agentOnline: true,
    sessionId: null,
    grant: null,
    grid: null,
    everLive: false,
    lastError: null,
    toast: null,
    toastSeq: 0,
  };
}

/** The fields every phase carries, without the phase-specific ones. */
function shared(s: ConnectionState): Shared {
  const { hostname, expiresAt, readOnly, presence, rttMs, agentOnline, sessionId, grant, grid, everLive, lastError, toast, toastSeq } = s;
  return { hostname, expiresAt, readOnly, presence, rttMs, agentOnline, sessionId, grant, grid, everLive, lastError, toast, toastSeq };
}

/** Phases in which a socket may still be attached and messages matter. */
const isOver = (s: ConnectionState) => s.phase === 'ended' || s.phase === 'failed';

function withToast(state: ConnectionState, text: string, now: number, ms = TOAST_MS): ConnectionState {
  const id = state.toastSeq + 1;
  return { ...state, toastSeq: id, toast: { id, text, until: now + ms } };
}

export function reduce(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'message':
      return isOver(state) ? state : onMessage(state, event.message, event.now);
    case 'closed':
      return isOver(state) ? state : onClosed(state, event.code);
    case 'dialing':
      if (state.phase === 'reconnecting') return { ...state, attempt: state.attempt + 1 };
      return state.phase === 'connecting' ? { ...state, lastError: null } : state;
    case 'password-sent':
      return state.phase === 'password' ? { ...state, checking: true } : state;
    case 'restart':
      // Keep what the page knows about the link; forget the session so no resume is sent.
      return { ...shared(state), phase: 'connecting', sessionId: null, lastError: null, agentOnline: true };
    case 'rtt':
      return { ...state, rttMs: event.ms };
    case 'toast':
      return withToast(state, event.text, event.now, event.ms);
    case 'toast-expired':
      return state.toast?.id === event.id ? { ...state, toast: null } : state;
  }
}

function onMessage(state: ConnectionState, m: RelayToViewer, now: number): ConnectionState {
  switch (m.type) {
    case 'welcome':
      return { ...state, hostname: m.machine.hostname, expiresAt: m.expiresAt, readOnly: m.readOnly };
    case 'password':
      return {
        ...shared(state),
        agentOnline: true,
        phase: 'password',
        status: m.status,
        // A wrong password can also impose a short wait before the next try.
        lockedUntil: m.retryAfterMs > 0 ? now + m.retryAfterMs : null,
        checking: false,
      };
    case 'attached':
      return {
        ...shared(state),
        phase: 'live',
        agentOnline: true,
        sessionId: m.sessionId,
        grant: m.grant ?? state.grant,
        grid: { cols: m.cols, rows: m.rows },
        everLive: true,
        lastError: null,
      };
    case 'size':
      return { ...state, grid: { cols: m.cols, rows: m.rows } };
    case 'presence': {
      const next = { ...state, presence: m.count };
      if (!m.event) return next;
      return withToast(next, m.event.kind === 'join' ? `someone joined (${m.event.who})` : `someone left (${m.event.who})`, now);
    }
    case 'agent': {
      // While the agent is away, a password check in flight is lost on the relay.
      const next = { ...state, agentOnline: m.online };
      return next.phase === 'password' && !m.online ? { ...next, checking: false } : next;
    }
    case 'ended':
      return { ...shared(state), phase: 'ended', reason: m.reason, message: m.message };
    case 'error':
      if (m.code === ErrorCode.READ_ONLY) return withToast(state, 'view only — input is not sent', now);
      if (m.code === ErrorCode.BAD_MESSAGE || m.code === ErrorCode.TOO_LARGE) return withToast(state, m.message, now);
      return { ...state, lastError: { code: m.code, message: m.message, reason: m.reason, retryAfterMs: m.retryAfterMs } };
    case 'ping':
    case 'pong':
      return state;
    default:
      return state;
  }
}

function onClosed(state: ConnectionState, code: number): ConnectionState {
  if (isRetryableClose(code)) {
    if (state.phase === 'reconnecting') return state;
    return { ...shared(state), phase: 'reconnecting', attempt: 0 };
  }
  const why = explainClose(state, code);
  if (state.everLive) return { ...shared(state), phase: 'ended', reason: why.ended, message: why.message };
  return { ...shared(state), phase: 'failed', reason: why.failed, message: why.message, retryAfterMs: state.lastError?.retryAfterMs ?? null };
}

/** Turn a non-retryable close (and the refusal that preceded it) into words and reasons. */
function explainClose(state: ConnectionState, code: number): { ended: EndedReason; failed: FailedReason; message: string } {
  const err = state.lastError;
  const message = err?.message ?? '';
  if (err?.reason) return { ended: err.reason, failed: err.reason, message };
  if (err?.code === ErrorCode.RATE_LIMITED || code === CloseCode.RATE_LIMITED) {
    return { ended: 'error', failed: 'rate_limited', message: message || 'Too many attempts; wait a minute.' };
  }
  if (err?.code === ErrorCode.VERSION_MISMATCH || code === CloseCode.VERSION_MISMATCH) {
    return { ended: 'error', failed: 'version', message: message || 'This page is out of date. Reload it.' };
  }
  if (err?.code === ErrorCode.LOCKED || code === CloseCode.FORBIDDEN) {
    return { ended: 'error', failed: 'locked', message: message || 'Not allowed.' };
  }
  if (code === CloseCode.UNAUTHENTICATED || code === CloseCode.LINK_GONE) {
    return { ended: 'unknown', failed: 'unknown', message: message || 'This link no longer works.' };
  }
  if (code === CloseCode.SESSION_ENDED) return { ended: 'shell_exited', failed: 'error', message: message || 'The session ended.' };
  if (code === CloseCode.NORMAL) return { ended: 'closed', failed: 'error', message: message || 'The relay closed the connection.' };
  return { ended: 'error', failed: 'error', message: message || `The connection was closed (code ${code}).` };
}

/** Whether keystrokes may be sent right now. */
export function acceptsInput(state: ConnectionState): boolean {
  return state.phase === 'live' && !state.readOnly && state.agentOnline;
}
