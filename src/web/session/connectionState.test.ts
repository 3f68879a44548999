import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, type RelayToViewer } from '../../common/protocol.js';
import { acceptsInput, initialState, reduce, type ConnectionEvent, type ConnectionState } from './connectionState.js';

const msg = (message: RelayToViewer, now = 1_000): ConnectionEvent => ({ type: 'message', message, now });
const run = (...events: ConnectionEvent[]): ConnectionState => events.reduce(reduce, initialState());

const welcome = msg({ type: 'welcome', v: 1, machine: { id: 'm1', hostname: 'vps-audi' }, expiresAt: '2030-01-01T00:00:00.000Z', readOnly: false, viewerId: 'v1' });
const attached = msg({ type: 'attached', sessionId: 's1', cols: 100, rows: 30, grant: 'g1' });

describe('connection state', () => {
  it('starts connecting and learns the machine from welcome', () => {
    const s = run(welcome);
    expect(s.phase).toBe('connecting');
    expect(s.hostname).toBe('vps-audi');
    expect(s.expiresAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('goes live on attached, keeping session, grid and grant', () => {
    const s = run(welcome, attached);
    expect(s.phase).toBe('live');
    expect(s.sessionId).toBe('s1');
    expect(s.grid).toEqual({ cols: 100, rows: 30 });
    expect(s.grant).toBe('g1');
    expect(s.everLive).toBe(true);
    expect(acceptsInput(s)).toBe(true);
  });

  it('follows the PTY grid on size', () => {
    expect(run(attached, msg({ type: 'size', cols: 80, rows: 24 })).grid).toEqual({ cols: 80, rows: 24 });
  });

  it('prompts for a password, marks wrong ones and computes the lock end', () => {
    let s = run(welcome, msg({ type: 'password', status: 'required', retryAfterMs: 0 }));
    expect(s).toMatchObject({ phase: 'password', status: 'required', checking: false });
    s = reduce(s, { type: 'password-sent' });
    expect(s).toMatchObject({ phase: 'password', checking: true });
    s = reduce(s, msg({ type: 'password', status: 'wrong', retryAfterMs: 0 }));
    expect(s).toMatchObject({ phase: 'password', status: 'wrong', checking: false });
    s = reduce(s, msg({ type: 'password', status: 'locked', retryAfterMs: 30_000 }, 5_000));
    expect(s).toMatchObject({ phase: 'password', status: 'locked', lockedUntil: 35_000 });
    expect(reduce(s, attached).phase).toBe('live');
  });

  it('reconnects on retryable closes and counts attempts', () => {
    let s = run(attached, { type: 'closed', code: 1006 });
    expect(s).toMatchObject({ phase: 'reconnecting', attempt: 0, sessionId: 's1', grant: 'g1' });
    expect(acceptsInput(s)).toBe(false);
    s = reduce(s, { type: 'dialing' });
    s = reduce(s, { type: 'closed', code: CloseCode.UNAVAILABLE });
    expect(s).toMatchObject({ phase: 'reconnecting', attempt: 1 });
    expect(reduce(s, attached).phase).toBe('live');
  });

  it('ends with the reason of an ended message and ignores the close after it', () => {
    let s = run(attached, msg({ type: 'ended', reason: 'revoked', message: 'This link was revoked.' }));
    expect(s).toMatchObject({ phase: 'ended', reason: 'revoked' });
    s = reduce(s, { type: 'closed', code: CloseCode.LINK_GONE });
    expect(s).toMatchObject({ phase: 'ended', reason: 'revoked' });
    expect(reduce(s, attached).phase).toBe('ended');
  });

  it('explains a non-retryable close after being live with the preceding error (screen stays)', () => {
    const s = run(
      attached,
      { type: 'closed', code: 1006 },
      msg({ type: 'error', code: ErrorCode.UNAUTHENTICATED, message: 'expired', reason: 'expired' }),
      { type: 'closed', code: CloseCode.UNAUTHENTICATED },
    );
    expect(s).toMatchObject({ phase: 'ended', reason: 'expired' });
  });

  it('fails (no screen) on refusals before ever being live', () => {
    expect(run(msg({ type: 'error', code: ErrorCode.UNAUTHENTICATED, message: 'revoked', reason: 'revoked' }), { type: 'closed', code: 4401 })).toMatchObject({
      phase: 'failed',
      reason: 'revoked',
    });
    expect(
      run(msg({ type: 'error', code: ErrorCode.RATE_LIMITED, message: 'wait', retryAfterMs: 9_000 }), { type: 'closed', code: CloseCode.RATE_LIMITED }),
    ).toMatchObject({ phase: 'failed', reason: 'rate_limited', retryAfterMs: 9_000 });
    expect(run({ type: 'closed', code: CloseCode.VERSION_MISMATCH })).toMatchObject({ phase: 'failed', reason: 'version' });
  });

  it('treats a session-ended close as the shell having exited', () => {
    expect(run(attached, { type: 'closed', code: CloseCode.SESSION_ENDED })).toMatchObject({ phase: 'ended', reason: 'shell_exited' });
  });

  it('restart forgets the session (no resume) but keeps the link facts', () => {
    const s = run(welcome, attached, msg({ type: 'ended', reason: 'shell_exited', message: 'bye' }), { type: 'restart' });
    expect(s).toMatchObject({ phase: 'connecting', sessionId: null, hostname: 'vps-audi', grant: 'g1' });
    expect('reason' in s).toBe(false);
  });

  it('tracks the agent going away and coming back without leaving live', () => {
    let s = run(attached, msg({ type: 'agent', online: false }));
    expect(s).toMatchObject({ phase: 'live', agentOnline: false });
    expect(acceptsInput(s)).toBe(false);
    s = reduce(s, msg({ type: 'agent', online: true }));
    expect(acceptsInput(s)).toBe(true);
  });

  it('an offline agent drops a password check in flight', () => {
    const s = run(msg({ type: 'password', status: 'required', retryAfterMs: 0 }), { type: 'password-sent' }, msg({ type: 'agent', online: false }));
    expect(s).toMatchObject({ phase: 'password', checking: false, agentOnline: false });
  });

  it('counts presence and toasts joins for 3 s; stale expiries clear nothing', () => {
    let s = run(attached, msg({ type: 'presence', count: 2, event: { kind: 'join', who: 'guest (web)' } }, 10_000));
    expect(s.presence).toBe(2);
    expect(s.toast).toMatchObject({ text: 'someone joined (guest (web))', until: 13_000 });
    const first = s.toast!.id;
    s = reduce(s, msg({ type: 'presence', count: 1, event: { kind: 'leave', who: 'guest (web)' } }, 11_000));
    expect(s.toast?.text).toBe('someone left (guest (web))');
    expect(reduce(s, { type: 'toast-expired', id: first }).toast).not.toBeNull();
    expect(reduce(s, { type: 'toast-expired', id: s.toast!.id }).toast).toBeNull();
  });

  it('shows READ_ONLY as a notice, not a failure', () => {
    const s = run(attached, msg({ type: 'error', code: ErrorCode.READ_ONLY, message: 'view only' }));
    expect(s.phase).toBe('live');
    expect(s.toast?.text).toMatch(/view only/);
    expect(s.lastError).toBeNull();
  });

  it('records round-trip time', () => {
    expect(run({ type: 'rtt', ms: 42 }).rttMs).toBe(42);
  });
});
