// The CLI as a user runs it: a real `termlink` process against a real relay.
// Needs the build (npm test builds first).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMembers } from '../agent/ptySession.js';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

const BIN = resolve(import.meta.dirname, '../../bin/termlink.js');
let env: TestRelay;

/** Run the real CLI (async: the relay lives in this process and must keep answering). */
function termlink(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TERMLINK_RELAY: env.relay.url, TERMLINK_API_KEY: env.operatorKey },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  env = await startTestRelay();
  await env.startAgent({ hostname: 'vps-audi' });
  await env.startAgent({ hostname: 'vps-bmw' });
  await env.startAgent({ hostname: 'prod-api-1' });
});
afterAll(() => env.close());

describe('termlink share', () => {
  it.each([
    [['share', 'vps-audi'], 24],
    [['share', '--ttl', '4h', 'vps-bmw'], 4],
    [['share', 'vps-bmw', '--ttl', '90m'], 2],
    [['share', 'vps-bmw', '--ttl=1s'], 1],
    [['share', 'vps-bmw', '--ttl', '1h30m'], 2],
    [['share', 'vps-bmw', '--ttl', '2d'], 48],
    [['share', 'vps-bmw', '--ttl', '3600s'], 1],
    [['share', 'vps-bmw', '--ttl', '5'], 5],
  ])('%j prints the spec JSON expiring in %i h', async (args, hours) => {
    const before = Date.now();
    const { code, stdout } = await termlink(args);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['url', 'token', 'machine_id', 'expires_at']);
    const ms = Date.parse(out.expires_at) - Math.floor(before / 1000) * 1000;
    expect(Math.abs(ms - hours * 3600_000)).toBeLessThan(3000);
  });

  it('--ttl 0 never expires and warns on stderr', async () => {
    const { code, stdout, stderr } = await termlink(['share', 'prod-api-1', '--ttl', '0']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).expires_at).toBeNull();
    expect(stderr).toMatch(/never expires/i);
  });

  it.each(['-1', '', '4x', '99999d', '1.5h'])('--ttl %j exits 2 naming the accepted forms', async (ttl) => {
    const { code, stdout, stderr } = await termlink(['share', 'vps-audi', '--ttl', ttl]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/accepted forms/);
  });

  it('unknown and ambiguous hosts list the candidates', async () => {
    const unknown = await termlink(['share', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/vps-audi/);
    const ambiguous = await termlink(['share', 'vps']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/AMBIGUOUS.*vps-audi.*vps-bmw/);
  });
});

describe('termlink shares / revoke', () => {
  it('lists links with prefix, machine and expiry, flags never-expiring ones, revokes by prefix', async () => {
    const minted = JSON.parse((await termlink(['share', 'prod-api-1', '--ttl', '0'])).stdout);
    const list = await termlink(['shares', 'prod-api-1']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(minted.token.slice(0, 12));
    expect(list.stdout).not.toContain(minted.token);
    expect(list.stdout).toContain('NEVER');
    const json = JSON.parse((await termlink(['shares', '--json'])).stdout);
    const entry = json.find((s: { token_prefix: string }) => minted.token.startsWith(s.token_prefix));
    expect(entry).toMatchObject({ hostname: 'prod-api-1', never_expires: true, attached: 0 });
    const revoked = await termlink(['revoke', entry.id.slice(0, 8)]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(entry.id);
    expect((await termlink(['revoke', entry.id])).code).toBe(1);
  });
});

describe('termlink tool', () => {
  it('answers the same JSON as share; ttl_hours defaults to 24, 0 only when asked', async () => {
    const ok = await termlink(['tool'], JSON.stringify({ operation: 'share', hostname: 'vps-audi', ttl_hours: 4 }));
    expect(ok.code).toBe(0);
    expect(Object.keys(JSON.parse(ok.stdout))).toEqual(['url', 'token', 'machine_id', 'expires_at']);
    const def = JSON.parse((await termlink(['tool'], JSON.stringify({ operation: 'share', hostname: 'vps-audi' }))).stdout);
    expect(Date.parse(def.expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    const never = JSON.parse((await termlink(['tool'], JSON.stringify({ operation: 'share', hostname: 'vps-audi', ttl_hours: 0 }))).stdout);
    expect(never.expires_at).toBeNull();
  });

  it.each([
    ['not json', 'BAD_REQUEST'],
    ['[1,2]', 'BAD_REQUEST'],
    [JSON.stringify({ operation: 'delete', hostname: 'x' }), 'BAD_REQUEST'],
    [JSON.stringify({ operation: 'share' }), 'BAD_REQUEST'],
    [JSON.stringify({ operation: 'share', hostname: 'vps-audi', ttl_hours: -2 }), 'BAD_TTL'],
    [JSON.stringify({ operation: 'share', hostname: 'vps-audi', ttl_hours: '4' }), 'BAD_TTL'],
    [JSON.stringify({ operation: 'share', hostname: 'nope' }), 'NOT_FOUND'],
    [JSON.stringify({ operation: 'share', hostname: 'vps-audi', ttl: '2h' }), 'BAD_REQUEST'],
    [JSON.stringify({ operation: 'share', hostname: 'vps-audi', read_only: 'yes' }), 'BAD_REQUEST'],
  ])('%s → JSON error %s, no stack trace', async (input, code) => {
    const result = await termlink(['tool'], input);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toBeTruthy();
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('termlink start', () => {
  it('starts relay + agent, prints a working link, and Ctrl-C leaves no process behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'termlink-start-'));
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dir, '--hostname', 'start-test'], {
      env: { ...process.env, TERMLINK_API_KEY: '', TERMLINK_RELAY: '' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const deadline = Date.now() + 20_000;
    while (!/^http:\S+\/share\/\S+$/m.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /^(http:\S+)\/share\/(\S+)$/m.exec(stdout);
    expect(url, stdout).not.toBeNull();
    console.log(`termlink start: link printed after ${Date.now() - started} ms (already built)`);
    expect(stdout).toMatch(/termlink share start-test/);
    const viewer = TestViewer.share(url![1], url![2]);
    await viewer.untilMessage('attached');
    await viewer.type('sleep 100000 & echo SHELLPID=$$\r');
    await viewer.untilText(/SHELLPID=\d+\r/);
    const shellPid = Number(/SHELLPID=(\d+)/.exec(viewer.text)![1]);
    expect(sessionMembers(shellPid).length).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(sessionMembers(shellPid)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('termlink attach (in a real pseudo-terminal)', () => {
  it('joins the shared session in raw mode, pairs with a guest, and detaches with Ctrl-]', async () => {
    const pty = await import('node-pty');
    const guest = TestViewer.share(env.relay.url, (await env.mint('vps-audi')).body.token);
    await guest.untilMessage('attached');
    const term = pty.spawn(process.execPath, [BIN, 'attach', 'vps-audi'], {
      cols: 100,
      rows: 30,
      env: { ...process.env, TERMLINK_RELAY: env.relay.url, TERMLINK_API_KEY: env.operatorKey } as Record<string, string>,
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = async (needle: string) => {
      const deadline = Date.now() + 10_000;
      while (!screen.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`attach never showed ${needle}: ${JSON.stringify(screen.slice(-300))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor('detach with Ctrl-]');
    term.write('echo op-in-tty-$((5*5))\r');
    await guest.untilText('op-in-tty-25');
    await guest.type('echo guest-to-tty-$((6*6))\r');
    await waitFor('guest-to-tty-36');
    term.write('\x1d');
    expect(await exited).toBe(0);
    expect(screen).toContain('detached; the session keeps running');
    await guest.type('echo still-here\r');
    await guest.untilText('still-here');
    guest.close();
  });
});

describe('termlink workspace', () => {
  it('creates a workspace whose key sees none of the default workspace', async () => {
    const child = spawn(process.execPath, [BIN, 'workspace', 'create', 'vendors', '--data-dir', env.dir]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
    const { operator_key: key } = JSON.parse(out);
    expect(key).toMatch(/^tlk_/);
    const list = await env.api('GET', '/api/shares', undefined, `Bearer ${key}`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    expect((await env.mint('vps-audi', {}, key)).body.code).toBe('NOT_FOUND');
  });
});
