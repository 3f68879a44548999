// Guessing is hopeless and slow: failed token checks are rate-limited per client
// address (valid links keep working), and the hourly sweep soft-deletes expired links.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { msUntilNextHour } from '../common/ttl.js';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;
beforeAll(async () => {
  env = await startTestRelay({ maxFailuresPerMinute: 5 });
  await env.startAgent({ hostname: 'guarded' });
});
afterAll(() => env.close());

const lookup = (token: string) => env.api('GET', '/api/link', undefined, `Share ${token}`);

it('the hourly sweep soft-deletes expired links only', async () => {
  const shortLived = (await env.mint('guarded', { ttl_hours: 1 })).body;
  const longLived = (await env.mint('guarded', { ttl_hours: 5 })).body;
  await env.api('POST', '/api/test/clock', { now_ms: Date.parse(shortLived.expires_at!) + 60_000 });
  try {
    const swept = await env.api('POST', '/api/test/sweep', {});
    expect(swept.body.soft_deleted).toBeGreaterThanOrEqual(1);
    const listed = await env.api('GET', '/api/shares?host=guarded');
    const prefixes = listed.body.map((s: { token_prefix: string }) => s.token_prefix);
    expect(prefixes).toContain(longLived.token.slice(0, 12));
    expect(prefixes).not.toContain(shortLived.token.slice(0, 12));
  } finally {
    await env.api('POST', '/api/test/clock', { now_ms: Date.now() });
  }
  expect(msUntilNextHour(Date.parse('2026-12-03T14:59:30Z'))).toBe(30_000);
  expect(msUntilNextHour(Date.parse('2026-12-03T15:00:00Z'))).toBe(3_600_000);
});

it('failed lookups from one address are rate-limited; valid lookups never count', async () => {
  const { token } = (await env.mint('guarded')).body;
  // Valid lookups never count against anyone.
  for (let i = 0; i < 20; i++) expect((await lookup(token)).status).toBe(200);
  for (let i = 0; i < 5; i++) expect((await lookup(`shr_guess${i}AAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(401);
  const limited = await lookup('shr_guess6AAAAAAAAAAAAAAAAAAAAAAAA');
  expect(limited.status).toBe(429);
  expect(limited.body.code).toBe('RATE_LIMITED');
  expect(limited.body.retry_after_ms).toBeGreaterThan(0);
  // The WebSocket attach path counts the same failures.
  const viewer = TestViewer.share(env.relay.url, 'shr_guessWSAAAAAAAAAAAAAAAAAAAAAAAA');
  expect((await viewer.untilMessage('error')).code).toBe('RATE_LIMITED');
  expect(await viewer.untilClosed()).toBe(4429);
  // Guessing links from this address never locks the operator out of mint and revoke.
  const minted = await env.mint('guarded');
  expect(minted.status).toBe(201);
  expect((await env.api('DELETE', `/api/shares/${minted.body.token}`)).status).toBe(200);
});

it('a malformed share reference is a 400, a wrong method a 405', async () => {
  expect((await env.api('DELETE', '/api/shares/%E0%A4%A')).status).toBe(400);
  expect((await env.api('PUT', '/api/shares')).status).toBe(405);
});

it('failed machine keys on the agent socket are rate-limited per address', async () => {
  const { default: WebSocket } = await import('ws');
  const tryKey = (i: number) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(env.relay.url.replace('http', 'ws') + '/ws/agent');
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'agent_hello', v: 1, machineId: 'm_x', machineKey: `tlm_guess${i}`, hostname: 'evil', requiresPassword: false, session: null })),
      );
      ws.on('close', (code) => resolve(code));
    });
  const codes: number[] = [];
  for (let i = 0; i < 7; i++) codes.push(await tryKey(i));
  expect(codes.slice(0, 5).every((c) => c === 4401)).toBe(true);
  expect(codes.slice(5)).toEqual([4429, 4429]);
});
