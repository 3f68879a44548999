// `termlink agent set-password` as an operator runs it: the real CLI in a real
// pseudo-terminal (node-pty), answering its prompts; then the real `termlink agent`
// on that data dir against a real relay, and a guest who must know the password.
// Needs the build (npm test builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../agent/state.js';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

const BIN = resolve(import.meta.dirname, '../../bin/termlink.js');
const HOST = 'pw-box';
// Distinctive, so any echo of them shows; a space, a non-ASCII letter, and a typo erased with Backspace.
const PASSWORD = 'Zebra quartz-Ünder 7731';
const TYPED = 'Zebra quartz-Ünder 7731X\x7f'; // what the operator types: X, then Backspace
const OTHER = 'Walrus copper 4410';
const PIPED = 'Pelican granite 5082';

// The tests run in order on one data dir: enroll, refusals, set, then a re-set from a pipe.
let env: TestRelay;
let dataDir: string;
const stateFile = () => join(dataDir, 'agent.json');
const state = () => JSON.parse(readFileSync(stateFile(), 'utf8')) as AgentState;

beforeAll(async () => {
  env = await startTestRelay();
  dataDir = mkdtempSync(join(tmpdir(), 'termlink-setpw-'));
});
afterAll(async () => {
  await env.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Run `termlink agent set-password` in a pseudo-terminal; for each prompt, wait
 * until it shows (as a person would), then type the answer and Enter.
 */
async function setPassword(answers: string[]): Promise<{ code: number; screen: string }> {
  const pty = await import('node-pty');
  const term = pty.spawn(process.execPath, [BIN, 'agent', 'set-password', '--data-dir', dataDir], {
    cols: 100,
    rows: 30,
    env: { ...process.env, TERMLINK_RELAY: '', TERMLINK_API_KEY: '' } as Record<string, string>,
  });
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  const prompts = ['New machine password: ', 'Repeat: '];
  let seen = 0;
  try {
    for (const [i, answer] of answers.entries()) {
      const deadline = Date.now() + 10_000;
      let at: number;
      while ((at = screen.indexOf(prompts[i]!, seen)) < 0) {
        if (Date.now() > deadline) throw new Error(`set-password never asked ${JSON.stringify(prompts[i])}: ${JSON.stringify(screen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      seen = at + prompts[i]!.length;
      term.write(answer + '\r');
    }
    return { code: await exited, screen };
  } finally {
    term.kill();
  }
}

/** The real `termlink agent` for this data dir (its shell: a quiet bash). Resolves once it is online. */
async function startAgent(): Promise<{ child: ChildProcess; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'agent', '--data-dir', dataDir, '--hostname', HOST, '--shell', '/bin/bash --norc --noprofile -i'], {
    env: { ...process.env, TERMLINK_RELAY: env.relay.url, TERMLINK_API_KEY: env.operatorKey },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    child.kill('SIGINT');
    return exited;
  };
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const machines = await env.api('GET', '/api/machines');
      if (machines.status === 200 && machines.body.some((m: { hostname: string; online: boolean }) => m.hostname === HOST && m.online)) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`termlink agent never came online: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, stderr: () => stderr, stop };
}

async function linkFor(): Promise<string> {
  const minted = await env.mint(HOST);
  expect(minted.status).toBe(201);
  return minted.body.token;
}

/** A guest on `token` is asked for the password, refused with each of `wrong`, and let in with `right`. */
async function expectGuestNeeds(token: string, right: string, wrong: string[]): Promise<void> {
  const guest = TestViewer.share(env.relay.url, token);
  try {
    expect((await guest.untilMessage('password')).status).toBe('required');
    for (const attempt of wrong) {
      const answered = guest.messages.length;
      guest.sendJson({ type: 'password', password: attempt });
      await guest.until(() => guest.messages.slice(answered).some((m) => m.type === 'password' && m.status === 'wrong'), `${JSON.stringify(attempt)} refused`);
    }
    expect(guest.messages.some((m) => m.type === 'attached')).toBe(false);
    guest.sendJson({ type: 'password', password: right });
    await guest.untilMessage('attached');
    await guest.type('echo opened-$((6*7))\r');
    await guest.untilText('opened-42');
  } finally {
    guest.close();
  }
}

describe('termlink agent set-password (in a real pseudo-terminal)', () => {
  it('needs an enrolled agent: a first `termlink agent` run, which has no password yet', async () => {
    const refused = await setPassword([]);
    expect(refused.code).toBe(2);
    expect(refused.screen).toMatch(/no agent state at .*agent\.json: run `termlink agent` once first/);

    const agent = await startAgent();
    try {
      expect(agent.stderr()).not.toMatch(/password required/);
      const viewer = TestViewer.share(env.relay.url, await linkFor());
      await viewer.untilMessage('attached'); // no password asked
      expect(viewer.messages.some((m) => m.type === 'password')).toBe(false);
      viewer.close();
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    expect(state().password_hash).toBeUndefined();
  });

  it('refuses a confirmation that differs, and an empty password, without echoing or storing anything', async () => {
    const differs = await setPassword([PASSWORD, OTHER]);
    expect(differs.code).toBe(1);
    expect(differs.screen).toContain('passwords differ; nothing changed');
    const empty = await setPassword(['', '']);
    expect(empty.code).toBe(1);
    expect(empty.screen).toMatch(/use at least 8 characters; nothing changed/);
    for (const { screen } of [differs, empty]) {
      expect(screen).not.toContain('Zebra');
      expect(screen).not.toContain('Walrus');
      expect(screen).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    expect(state().password_hash).toBeUndefined();
  });

  it('stores only a salted hash of the password typed (echo off, Backspace edits), and the agent then requires it', async () => {
    const before = readFileSync(stateFile(), 'utf8');
    const set = await setPassword([TYPED, PASSWORD]);
    expect(set.code, set.screen).toBe(0);
    expect(set.screen).toContain('password set; a running agent applies it within a second');
    // Echo was off: nothing of either answer reached the terminal.
    for (const fragment of ['Zebra', 'quartz', 'Ünder', '7731']) expect(set.screen).not.toContain(fragment);
    const stored = readFileSync(stateFile(), 'utf8');
    expect(stored).not.toContain('Zebra');
    const saved = JSON.parse(stored) as AgentState;
    const { password_hash: _hash, ...rest } = saved;
    expect(rest).toEqual(JSON.parse(before)); // machine id and key kept: same machine, not a new enrollment
    expect(saved.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);

    const agent = await startAgent();
    try {
      expect(agent.stderr()).toMatch(/password required/);
      const token = await linkFor();
      const lookup = await env.api('GET', '/api/link', undefined, `Share ${token}`);
      expect(lookup.body).toMatchObject({ requires_password: true, online: true });

      // Two wrong answers (a third would start the lockout delay): another password, and the raw keystrokes with the typo.
      await expectGuestNeeds(token, PASSWORD, [OTHER, TYPED]);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});

describe('termlink agent set-password from a pipe (scripts, provisioning)', () => {
  it('takes the password and its confirmation as two lines, and the agent then requires the new one', async () => {
    const child = spawn(process.execPath, [BIN, 'agent', 'set-password', '--data-dir', dataDir], { env: { ...process.env, TERMLINK_RELAY: '', TERMLINK_API_KEY: '' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.stdin.end(`${PIPED}\n${PIPED}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('password set');
    expect(output).not.toContain('Pelican');

    const agent = await startAgent();
    try {
      await expectGuestNeeds(await linkFor(), PIPED, [PASSWORD]); // the old password no longer opens it
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it('while the agent runs: it applies the new password at once and asks the guests already attached for it', async () => {
    const agent = await startAgent(); // requires PIPED (previous test)
    const guest = TestViewer.share(env.relay.url, await linkFor());
    try {
      await guest.untilMessage('password');
      guest.sendJson({ type: 'password', password: PIPED });
      await guest.untilMessage('attached');
      const asked = guest.messages.length;
      const child = spawn(process.execPath, [BIN, 'agent', 'set-password', '--data-dir', dataDir], { env: { ...process.env, TERMLINK_RELAY: '', TERMLINK_API_KEY: '' } });
      child.stdin.end(`${OTHER}\n${OTHER}\n`);
      expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(0);
      await guest
        .until(() => guest.messages.slice(asked).some((m) => m.type === 'password' && m.status === 'required'), 'the attached guest asked again', 10_000)
        .catch((error: Error) => {
          throw new Error(`${error.message}; agent stderr: ${agent.stderr()}`);
        });
      guest.sendJson({ type: 'password', password: PIPED });
      await guest.until(() => guest.messages.slice(asked).some((m) => m.type === 'password' && m.status === 'wrong'), 'the old password refused');
      guest.sendJson({ type: 'password', password: OTHER });
      await guest.until(() => guest.messages.slice(asked).some((m) => m.type === 'attached'), 'back in with the new one');
    } finally {
      guest.close();
      expect(await agent.stop()).toBe(0);
    }
  });
});
