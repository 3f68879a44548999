// Link lifecycle against a real relay, real agents and real shells.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT, TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;
let machineId: string;

beforeAll(async () => {
  env = await startTestRelay();
  ({ machineId } = await env.startAgent({ hostname: 'vps-audi' }));
  await env.startAgent({ hostname: 'vps-bmw' });
});
afterAll(() => env.close());

describe('minting', () => {
  it('mints the spec JSON with a 24h default and shr_ token', async () => {
    const before = Date.now();
    const { status, body } = await env.mint('vps-audi');
    expect(status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(['expires_at', 'machine_id', 'token', 'url']);
    expect(body.token).toMatch(/^shr_[A-Za-z0-9_-]{32}$/);
    expect(body.url).toBe(`${env.relay.url}/share/${body.token.slice(4)}`);
    expect(body.machine_id).toBe(machineId);
    const ttl = Date.parse(body.expires_at!) - before;
    expect(ttl).toBeGreaterThan(24 * 3600_000 - 2000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('resolves hosts by prefix and id, and names candidates when ambiguous or unknown', async () => {
    expect((await env.mint('vps-a')).body.machine_id).toBe(machineId);
    expect((await env.mint(machineId)).body.machine_id).toBe(machineId);
    const ambiguous = await env.mint('vps');
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.code).toBe('AMBIGUOUS');
    expect(ambiguous.body.message).toMatch(/vps-audi.*vps-bmw/);
    const unknown = await env.mint('nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('vps-audi');
  });

  it('refuses bad TTLs and unauthenticated callers', async () => {
    expect((await env.mint('vps-audi', { ttl_hours: -1 })).body.code).toBe('BAD_TTL');
    expect((await env.mint('vps-audi', { ttl: '4x' })).body.code).toBe('BAD_TTL');
    expect((await env.mint('vps-audi', { ttl: '90m' })).status).toBe(201);
    expect((await env.mint('vps-audi', {}, 'tlk_wrong')).status).toBe(401);
    const never = await env.mint('vps-audi', { ttl_hours: 0 });
    expect(never.body.expires_at).toBeNull();
  });
});

describe('lookup', () => {
  it('answers machine, expiry, password need and online state for a good token only', async () => {
    const { body } = await env.mint('vps-audi');
    const ok = await env.api('GET', '/api/link', undefined, `Share ${body.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ machine: { hostname: 'vps-audi', id: machineId }, requires_password: false, online: true, read_only: false });
    const bad = await env.api('GET', '/api/link', undefined, 'Share shr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown' });
    // A share token opens nothing else.
    expect((await env.api('GET', '/api/shares', undefined, `Bearer ${body.token}`)).status).toBe(401);
  });
});

describe('live sessions', () => {
  it('a guest types a command and sees its output; two links to one machine share the PTY', async () => {
    const a = TestViewer.share(env.relay.url, (await env.mint('vps-audi')).body.token);
    const b = TestViewer.share(env.relay.url, (await env.mint('vps-audi')).body.token);
    await a.untilMessage('attached');
    await b.untilMessage('attached');
    await a.type('echo shared-$((6*7))\r');
    await a.untilText('shared-42');
    await b.until(() => b.text.includes('shared-42') || b.snapshots.some((s) => s.includes('shared-42')), 'b sees a');
    a.close();
    b.close();
  });

  it('revocation ends attached sessions at once and later attempts get UNAUTHENTICATED', async () => {
    const { body } = await env.mint('vps-audi');
    const viewer = TestViewer.share(env.relay.url, body.token);
    await viewer.untilMessage('attached');
    const listed = await env.api('GET', '/api/shares?host=vps-audi');
    const entry = listed.body.find((s: { token_prefix: string }) => body.token.startsWith(s.token_prefix));
    expect(entry.attached).toBe(1);
    const revoked = await env.api('DELETE', `/api/shares/${entry.token_prefix}`);
    expect(revoked.body).toEqual({ id: entry.id, ended_sessions: 1 });
    const ended = await viewer.untilMessage('ended');
    expect(ended.reason).toBe('revoked');
    expect(await viewer.untilClosed()).toBe(4410);
    const again = TestViewer.share(env.relay.url, body.token);
    expect((await again.untilMessage('error')).code).toBe('UNAUTHENTICATED');
    expect(await again.untilClosed()).toBe(4401);
    const lookup = await env.api('GET', '/api/link', undefined, `Share ${body.token}`);
    expect(lookup.body.reason).toBe('revoked');
    const history = await env.api('GET', `/api/shares/${entry.id}/history`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0].detached_at).not.toBeNull();
  });

  it('a link is named as the guest got it (whole URL or token body); revoking twice says when it was revoked', async () => {
    const first = (await env.mint('vps-audi')).body;
    const byUrl = await env.api('DELETE', `/api/shares/${encodeURIComponent(first.url)}`);
    expect(byUrl.status).toBe(200);
    const twice = await env.api('DELETE', `/api/shares/${encodeURIComponent(first.url)}`);
    expect(twice.status).toBe(404);
    expect(twice.body.message).toMatch(/already revoked at \d{4}-/);
    const second = (await env.mint('vps-audi')).body;
    const byBody = await env.api('DELETE', `/api/shares/${second.token.slice(4)}`);
    expect(byBody.body.id).toBe(byUrl.body.id === byBody.body.id ? 'never the same' : byBody.body.id);
    // History takes the same references, and ended links too.
    const history = await env.api('GET', `/api/shares/${encodeURIComponent(first.url)}/history`);
    expect(history.status).toBe(200);
    const byPrefix = await env.api('GET', `/api/shares/${byUrl.body.id.slice(0, 8)}/history`);
    expect(byPrefix.status === 200 || byPrefix.body.code === 'AMBIGUOUS').toBe(true);
  });

  it('expiry ends attached sessions exactly at expires_at (test clock)', async () => {
    const { body } = await env.mint('vps-audi', { ttl_hours: 1 });
    const viewer = TestViewer.share(env.relay.url, body.token);
    await viewer.untilMessage('attached');
    const expiresAt = Date.parse(body.expires_at!);
    await env.api('POST', '/api/test/clock', { now_ms: expiresAt - 1500 });
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.closeCode).toBeNull();
    const ended = await viewer.untilMessage('ended', 4000);
    expect(ended.reason).toBe('expired');
    const lookup = await env.api('GET', '/api/link', undefined, `Share ${body.token}`);
    expect(lookup.body).toMatchObject({ reason: 'expired', expired_at: body.expires_at });
    await env.api('POST', '/api/test/clock', { now_ms: Date.now() });
  });

  it('garbled frames get an error and lose nothing else', async () => {
    const viewer = TestViewer.share(env.relay.url, (await env.mint('vps-audi')).body.token);
    await viewer.untilMessage('attached');
    viewer.sendRaw('{not json');
    viewer.sendRaw(new Uint8Array([0x7f, 1, 2]));
    viewer.sendRaw(JSON.stringify({ type: 'resize', cols: 'wide' }));
    await viewer.until(() => viewer.messages.filter((m) => m.type === 'error').length >= 3, 'three errors');
    await viewer.type('echo still-$((1+1))\r');
    await viewer.untilText('still-2');
    expect(viewer.closeCode).toBeNull();
    viewer.close();
  });

  it('a first message that is not a hello closes with BAD_MESSAGE', async () => {
    const viewer = new TestViewer(env.relay.url, { kind: 'share', token: 'x' }, undefined, { v: 999 });
    expect((await viewer.untilMessage('error')).code).toBe('VERSION_MISMATCH');
    expect(await viewer.untilClosed()).toBe(4409);
  });

  it('WebSocket upgrades from another origin are refused', async () => {
    const viewer = new TestViewer(env.relay.url, { kind: 'share', token: 'x' }, undefined, {}, { Origin: 'https://evil.example' });
    expect(await viewer.untilClosed()).toBe(1006);
  });
});

describe('workspaces', () => {
  it('an operator key of workspace B cannot mint, list or revoke for workspace A', async () => {
    const keyB = await env.addWorkspace('other');
    expect((await env.mint('vps-audi', {}, keyB)).body.code).toBe('NOT_FOUND');
    expect((await env.mint(machineId, {}, keyB)).body.code).toBe('NOT_FOUND');
    const { body } = await env.mint('vps-audi');
    const list = await env.api('GET', '/api/shares', undefined, `Bearer ${keyB}`);
    expect(list.body).toEqual([]);
    const revoke = await env.api('DELETE', `/api/shares/${body.token}`, undefined, `Bearer ${keyB}`);
    expect(revoke.status).toBe(404);
    expect((await env.api('GET', '/api/link', undefined, `Share ${body.token}`)).status).toBe(200);
  });
});

describe('prompt', () => {
  it('the test shell prompt is predictable', () => {
    expect(PROMPT).toBe('tl$ ');
  });
});
