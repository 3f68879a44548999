// The shared session end to end without a browser: late joiners, resume, size,
// passwords, read-only, floods, exact bytes, shell exit, agent and relay outages.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../agent/password.js';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;

beforeAll(async () => {
  env = await startTestRelay();
  await env.startAgent({ hostname: 'box' });
  await env.startAgent({ hostname: 'locked', password: 'open sesame' });
});
afterAll(() => env.close());

const token = async (host = 'box', body = {}) => (await env.mint(host, body)).body.token;
let boxes = 0;
/** A fresh machine (agent + shell) for one test, so tests never type into each other's shell. */
const freshBox = async () => {
  const hostname = `box-${++boxes}`;
  await env.startAgent({ hostname });
  return hostname;
};

describe('grid', () => {
  it('the first output already has the first viewer\'s size', async () => {
    const fresh = await env.startAgent({ hostname: 'sizer' });
    expect(fresh.machineId).toBeTruthy();
    const viewer = TestViewer.share(env.relay.url, await token('sizer'), { cols: 137, rows: 41 });
    await viewer.untilMessage('attached');
    await viewer.type('stty size\r');
    await viewer.untilText('41 137');
    viewer.close();
  });

  it('the most recently active viewer sets the size and everyone is told', async () => {
    const host = await freshBox();
    const a = TestViewer.share(env.relay.url, await token(host), { cols: 90, rows: 25 });
    await a.untilMessage('attached');
    const b = TestViewer.share(env.relay.url, await token(host), { cols: 70, rows: 20 });
    await b.untilMessage('attached');
    // Joining does not disturb the grid of those already there…
    await new Promise((r) => setTimeout(r, 300));
    expect(a.messages.some((m) => m.type === 'size' && m.cols === 70)).toBe(false);
    // …typing does: the most recently active viewer sets it.
    await b.type('\x15');
    await a.until(() => a.messages.some((m) => m.type === 'size' && m.cols === 70 && m.rows === 20), 'a told of b\'s size');
    a.sendJson({ type: 'resize', cols: 120, rows: 33 });
    await b.until(() => b.messages.some((m) => m.type === 'size' && m.cols === 120), 'b told of a\'s size');
    await a.type('stty size\r');
    await b.untilText('33 120');
    a.close();
    b.close();
  });
});

describe('late joiners and resume', () => {
  it('a late joiner gets the current screen, alternate buffer included', async () => {
    const host = await freshBox();
    const a = TestViewer.share(env.relay.url, await token(host));
    await a.untilMessage('attached');
    await a.type("printf '\\e[?1049h\\e[2J\\e[5;10H\\e[31mFULLSCREEN-%s\\e[0m' up; sleep 30\r");
    await a.untilText('FULLSCREEN-up');
    const b = TestViewer.share(env.relay.url, await token(host));
    await b.until(() => b.snapshots.length > 0, 'snapshot');
    const snapshot = b.snapshots[0];
    expect(snapshot).toContain('FULLSCREEN-up');
    expect(snapshot).toContain('\x1b[?1049h');
    await a.type('\x03');
    await a.type("printf '\\e[?1049l'\r");
    a.close();
    b.close();
  });

  it('a reconnecting viewer resumes from its offset with no gap and no duplicate', async () => {
    const host = await freshBox();
    const a = TestViewer.share(env.relay.url, await token(host));
    await a.untilMessage('attached');
    await a.type('for i in $(seq 1 40); do echo "tick $i"; sleep 0.05; done\r');
    await a.untilText('tick 5\r\n');
    a.close();
    await new Promise((r) => setTimeout(r, 500));
    const resumed = TestViewer.share(env.relay.url, a.auth.kind === 'share' ? a.auth.token : '', undefined, {
      resume: { sessionId: a.sessionId!, offset: a.receivedOffset },
    });
    resumed.receivedOffset = a.receivedOffset;
    resumed.output = a.output;
    await resumed.untilText('tick 40\r\n', 10000);
    expect(resumed.snapshots).toHaveLength(0);
    const ticks = [...resumed.text.matchAll(/^tick (\d+)\r$/gm)].map((m) => Number(m[1]));
    expect(ticks).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    resumed.close();
  });
});

describe('bytes stay exact', () => {
  it('UTF-8 split across reads arrives whole', async () => {
    const host = await freshBox();
    const v = TestViewer.share(env.relay.url, await token(host));
    await v.untilMessage('attached');
    await v.type("printf '\\xe4\\xb8'; sleep 0.3; printf '\\xad\\xe6\\x96\\x87\\n'; printf '\\xf0\\x9f'; sleep 0.3; printf '\\x99\\x82 ok\\n'\r");
    await v.untilText('🙂 ok');
    expect(v.text).toContain('中文');
    expect(v.text).not.toContain('\ufffd');
    v.close();
  });

  it('invalid UTF-8 from a program does not break the stream', async () => {
    const host = await freshBox();
    const v = TestViewer.share(env.relay.url, await token(host));
    await v.untilMessage('attached');
    await v.type("printf 'bad:\\xff\\xfe\\xc3:end\\n'; echo after-$((2+3))\r");
    await v.untilText('after-5');
    expect(v.output.includes(Buffer.from([0xff, 0xfe]))).toBe(true);
    v.close();
  });

  it('a 1 MB paste arrives complete and in order', async () => {
    const host = await freshBox();
    const file = `/tmp/termlink-paste-${process.pid}`;
    rmSync(file, { force: true });
    const v = TestViewer.share(env.relay.url, await token(host));
    await v.untilMessage('attached');
    await v.type(`stty -echo; cat > ${file}; stty echo; echo PASTE-DONE-$((6*7))\r`);
    await new Promise((r) => setTimeout(r, 300));
    const line = (i: number) => `${String(i).padStart(6, '0')} ${'abcdefghij'.repeat(9)}\n`.slice(0, 100);
    let paste = '';
    for (let i = 0; paste.length < 1024 * 1024; i++) paste += line(i);
    for (let i = 0; i < paste.length; i += 16 * 1024) await v.type(paste.slice(i, i + 16 * 1024));
    await v.type('\x04');
    await v.untilText("PASTE-DONE-42", 30000);
    const got = readFileSync(file, 'utf8');
    expect(got.length).toBe(paste.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(paste).digest('hex'));
    rmSync(file, { force: true });
    v.close();
  });

  it('an input frame over the limit is refused with TOO_LARGE and the session goes on', async () => {
    const host = await freshBox();
    const v = TestViewer.share(env.relay.url, await token(host));
    await v.untilMessage('attached');
    await v.type('x'.repeat(100 * 1024));
    expect((await v.untilMessage('error')).code).toBe('TOO_LARGE');
    await v.type('\x15echo fine-$((3*3))\r');
    await v.untilText('fine-9');
    v.close();
  });
});

describe('floods', () => {
  it('a lone slow viewer gets every line of a big `cat`: the shell waits for it', async () => {
    const host = await freshBox();
    const v = TestViewer.share(env.relay.url, await token(host));
    v.ackDelayMs = 60; // a browser that takes its time to render
    await v.untilMessage('attached');
    await v.type("seq 1 300000 | sed 's/^/line /'; echo END-$((1+1))\r");
    await v.untilText('END-2', 120_000);
    expect(v.snapshots).toHaveLength(0);
    const numbers = [...v.text.matchAll(/^line (\d+)\r$/gm)].map((m) => Number(m[1]));
    expect(numbers.length).toBe(300000);
    expect(numbers[0]).toBe(1);
    expect(numbers.at(-1)).toBe(300000);
    v.close();
  });

  it('Ctrl-C during `yes` brings the prompt back while a slow viewer skips ahead', async () => {
    const host = await freshBox();
    const fast = TestViewer.share(env.relay.url, await token(host));
    const slow = TestViewer.share(env.relay.url, await token(host));
    slow.autoAck = false; // never acknowledges: must not stall the others
    await fast.untilMessage('attached');
    await slow.untilMessage('attached');
    await fast.type('yes flood\r');
    await fast.untilText('flood\r\nflood\r\n');
    await new Promise((r) => setTimeout(r, 1500));
    await fast.type('\x03');
    await fast.type('echo back-$((40+2))\r');
    await fast.untilText('back-42', 15000);
    fast.close();
    slow.close();
  });
});

describe('access', () => {
  it('read-only links watch but cannot type', async () => {
    const host = await freshBox();
    const writer = TestViewer.share(env.relay.url, await token(host));
    const watcher = TestViewer.share(env.relay.url, await token(host, { read_only: true }));
    expect((await watcher.untilMessage('welcome')).readOnly).toBe(true);
    await watcher.untilMessage('attached');
    await writer.untilMessage('attached');
    await watcher.type('echo SHOULD-NOT-RUN-$((1+1))\r');
    expect((await watcher.untilMessage('error')).code).toBe('READ_ONLY');
    await writer.type('echo writer-$((5*5))\r');
    await watcher.untilText('writer-25');
    expect(watcher.text).not.toContain('SHOULD-NOT-RUN-2');
    writer.close();
    watcher.close();
  });

  it('a password-protected machine prompts, refuses wrong passwords, and never attaches without it', async () => {
    const shareToken = await token('locked');
    const lookup = await env.api('GET', '/api/link', undefined, `Share ${shareToken}`);
    expect(lookup.body.requires_password).toBe(true);
    const v = TestViewer.share(env.relay.url, shareToken);
    expect((await v.untilMessage('password')).status).toBe('required');
    await v.type('echo sneaky\r'); // input before the password goes nowhere
    v.sendJson({ type: 'password', password: 'wrong' });
    await v.until(() => v.messages.some((m) => m.type === 'password' && m.status === 'wrong'), 'wrong');
    expect(v.messages.some((m) => m.type === 'attached')).toBe(false);
    v.sendJson({ type: 'password', password: 'open sesame' });
    const attached = await v.untilMessage('attached');
    expect(attached.grant).toBeTruthy();
    await v.type('echo inside-$((2*4))\r');
    await v.untilText('inside-8');
    expect(v.text).not.toContain('sneaky');
    v.close();
    // A reconnect with the grant does not prompt again; on another link it does.
    const again = TestViewer.share(env.relay.url, shareToken, undefined, { grant: attached.grant });
    await again.untilMessage('attached');
    expect(again.messages.some((m) => m.type === 'password')).toBe(false);
    again.close();
    const other = TestViewer.share(env.relay.url, await token('locked'), undefined, { grant: attached.grant });
    expect((await other.untilMessage('password')).status).toBe('required');
    other.close();
  });

  it('a password set while people are attached applies at once: they are asked for it, then resume the same shell', async () => {
    const hostname = `late-lock-${++boxes}`;
    const { agent } = await env.startAgent({ hostname });
    const v = TestViewer.share(env.relay.url, await token(hostname));
    const first = await v.untilMessage('attached');
    await v.type('export MARK=kept-$((3*3))\r');
    agent.setPasswordHash(await hashPassword('new secret pw'));
    await v.until(() => v.messages.some((m) => m.type === 'password' && m.status === 'required'), 'asked for the new password');
    const attachedBefore = v.messages.filter((m) => m.type === 'attached').length;
    v.sendJson({ type: 'password', password: 'wrong one' });
    await v.until(() => v.messages.some((m) => m.type === 'password' && m.status === 'wrong'), 'wrong');
    v.sendJson({ type: 'password', password: 'new secret pw' });
    await v.until(() => v.messages.filter((m) => m.type === 'attached').length > attachedBefore, 'attached again');
    const again = v.messages.filter((m) => m.type === 'attached').at(-1)!;
    expect(again.type === 'attached' && first.type === 'attached' && again.sessionId === first.sessionId).toBe(true);
    await v.type('echo $MARK\r');
    await v.untilText('kept-9\r\n');
    v.close();
  });

  it('the operator attaches with the operator key and pairs with a guest', async () => {
    const host = await freshBox();
    const guest = TestViewer.share(env.relay.url, await token(host));
    const operator = new TestViewer(env.relay.url, { kind: 'operator', key: env.operatorKey, machine: host });
    await guest.untilMessage('attached');
    await operator.untilMessage('attached');
    await operator.type('echo from-operator-$((7*6))\r');
    await guest.untilText('from-operator-42');
    await guest.type('echo from-guest-$((7*7))\r');
    await operator.until(() => operator.text.includes('from-guest-49'), 'operator sees guest');
    const presence = await guest.untilMessage('presence');
    expect(presence.count).toBeGreaterThanOrEqual(2);
    const wrongKey = new TestViewer(env.relay.url, { kind: 'operator', key: 'tlk_nope', machine: host });
    expect(await wrongKey.untilClosed()).toBe(4401);
    guest.close();
    operator.close();
  });
});

describe('endings and outages', () => {
  it('shell exit ends the session for everyone; the next attach starts a new shell', async () => {
    await env.startAgent({ hostname: 'exiter' });
    const a = TestViewer.share(env.relay.url, await token('exiter'));
    const b = TestViewer.share(env.relay.url, await token('exiter'));
    await a.untilMessage('attached');
    await b.untilMessage('attached');
    const firstSession = a.sessionId;
    await a.type('exit 3\r');
    expect((await b.untilMessage('ended')).reason).toBe('shell_exited');
    expect(await a.untilClosed()).toBe(4000);
    const c = TestViewer.share(env.relay.url, await token('exiter'));
    await c.untilMessage('attached');
    expect(c.sessionId).not.toBe(firstSession);
    await c.type('echo reborn\r');
    await c.untilText('reborn');
    c.close();
  });

  it('agent offline: viewers are told and attach again when it is back', async () => {
    const { agent } = await env.startAgent({ hostname: 'flaky' });
    const v = TestViewer.share(env.relay.url, await token('flaky'));
    await v.untilMessage('attached');
    await agent.stop();
    await v.until(() => v.messages.some((m) => m.type === 'agent' && !m.online), 'offline notice');
    const lookup = await env.api('GET', '/api/link', undefined, `Share ${v.auth.kind === 'share' ? v.auth.token : ''}`);
    expect(lookup.body.online).toBe(false);
    await env.startAgent({ hostname: 'flaky' });
    await v.until(() => v.messages.filter((m) => m.type === 'attached').length >= 2, 'attached again');
    await v.type('echo back-online\r');
    await v.untilText('back-online');
    v.close();
  });
});
