// Hostile input at the socket level never takes the relay down: malformed request
// targets, refused upgrades reset by the client, agents naming themselves with
// escape sequences. After each, a guest on the same relay still has a shell.
import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION, WS_PATH } from '../common/protocol.js';
import { printable } from '../cli/io.js';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;
let port: number;
beforeAll(async () => {
  env = await startTestRelay();
  await env.startAgent({ hostname: 'target' });
  port = Number(new URL(env.relay.url).port);
});
afterAll(() => env.close());

/** Send raw bytes; resolve with whatever the relay answered before closing (or after ms). */
function raw(request: string, { reset = false, ms = 1000 } = {}): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(request);
      if (reset) setImmediate(() => socket.resetAndDestroy());
    });
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    setTimeout(() => (socket.destroy(), resolve(answer)), ms);
  });
}

async function guestStillWorks(): Promise<void> {
  const viewer = TestViewer.share(env.relay.url, (await env.mint('target')).body.token);
  await viewer.untilMessage('attached');
  await viewer.type('echo still-$((40+2))\r');
  await viewer.untilText('still-42');
  viewer.close();
}

it('a request target that is not a path gets 400, for plain HTTP and for upgrades', async () => {
  expect(await raw('GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  const upgrade = await raw('GET //[/ws/attach HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  expect(upgrade).toMatch(/^HTTP\/1\.1 400/);
  await guestStillWorks();
});

it('refused upgrades that the client resets at once leave the relay running', async () => {
  const upgradeTo = (path: string, origin = '') =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${origin}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  for (let round = 0; round < 6; round++) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => raw(i % 2 ? upgradeTo('/nope') : upgradeTo(WS_PATH.attach, 'Origin: http://evil.example\r\n'), { reset: true, ms: 300 })),
    );
  }
  await guestStillWorks();
});

it('an agent whose hello names it with escape sequences is refused and the name is never stored', async () => {
  const enrolled = await env.api('POST', '/api/machines', { hostname: 'honest' });
  const { machine_id: machineId, machine_key: machineKey } = enrolled.body as { machine_id: string; machine_key: string };
  const helloAs = async (hostname: string) => {
    const socket = new WebSocket(env.relay.url.replace(/^http/, 'ws') + WS_PATH.agent);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'agent_hello', v: PROTOCOL_VERSION, machineId, machineKey, hostname, requiresPassword: false, session: null }));
    return socket;
  };
  // The key is good: with a plain name the relay welcomes it…
  const honest = await helloAs('honest');
  const welcome = await new Promise<string>((resolve) => honest.once('message', (data) => resolve(String(data))));
  expect(JSON.parse(welcome).type).toBe('agent_welcome');
  honest.close();
  // …and the same machine naming itself with escape sequences is refused as a bad message.
  const evil = await helloAs('\x1b[2J\x1b]0;evil\x07');
  expect(await new Promise<number>((resolve) => evil.once('close', resolve))).toBe(4400);
  const machines = await env.api('GET', '/api/machines');
  expect(JSON.stringify(machines.body)).not.toContain('\\u001b');
  await guestStillWorks();
});

it('the CLI prints names and user agents from elsewhere with control characters neutralised', () => {
  expect(printable('box\x1b[2J\u009b2J\x07ok')).toBe('box?[2J?2J?ok');
  expect(printable('Mozilla/5.0 (X11; Linux) ü 東京')).toBe('Mozilla/5.0 (X11; Linux) ü 東京');
});
