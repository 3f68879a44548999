// Echo broken into hops (for "why termlink is behind"): the same keystroke echo
//  - straight into a PTY running the bench shell, in this process (node-pty): PTY + bash;
//  - a 1-byte binary WebSocket frame echoed by a bare Node `ws` server in a child process
//    (one Node WebSocket hop on loopback, as between viewer and relay, or relay and agent);
//  - the same frame through a second Node process that forwards it to that echo server
//    (two hops in a row: the shape of viewer → relay → agent, with no termlink code).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { ROOT, SHELL_ARGV, shellEnv } from '../lib/systems.mjs';
import { sleep, summarize, waitFor } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);

const ECHO_SERVER = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => console.log('PORT ' + wss.address().port));
wss.on('connection', (s, req) => { req.socket.setNoDelay(true); s.on('message', (d, bin) => s.send(d, { binary: bin })); });
`;
const FORWARDER = `
import WebSocket, { WebSocketServer } from 'ws';
const upstream = process.argv[1];
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => console.log('PORT ' + wss.address().port));
wss.on('connection', (s, req) => {
  req.socket.setNoDelay(true);
  const up = new WebSocket(upstream, { perMessageDeflate: false });
  const queue = [];
  up.on('open', () => { up._socket.setNoDelay(true); for (const [d, b] of queue.splice(0)) up.send(d, { binary: b }); });
  up.on('message', (d, bin) => s.send(d, { binary: bin }));
  s.on('message', (d, bin) => (up.readyState === 1 ? up.send(d, { binary: bin }) : queue.push([d, bin])));
});
`;

function nodeServer(source, args = []) {
  const p = spawn(process.execPath, ['--input-type=module', '-e', source, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  p.out = '';
  p.stdout.on('data', (d) => (p.out += d));
  return p;
}

async function portOf(p) {
  const port = await waitFor(() => p.out.match(/PORT (\d+)/)?.[1], 10000, 20);
  if (!port) throw new Error('hop server did not start');
  return port;
}

async function wsRtt(url, samples) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  ws._socket.setNoDelay(true);
  const times = [];
  for (let i = 0; i < samples + 10; i++) {
    const t0 = performance.now();
    const back = new Promise((r) => ws.once('message', r));
    ws.send(Buffer.from([97 + (i % 26)]));
    await back;
    if (i >= 10) times.push(performance.now() - t0); // 10 warm-up frames
    await sleep(5);
  }
  ws.close();
  return times;
}

async function ptyEcho(samples) {
  const pty = require('node-pty');
  const term = pty.spawn(SHELL_ARGV[0], SHELL_ARGV.slice(1), { name: 'xterm-256color', cols: 120, rows: 40, cwd: process.env.HOME ?? '/', env: shellEnv() });
  let seen = '';
  let waiter = null;
  term.onData((d) => {
    seen += d;
    if (waiter && seen.includes(waiter.c)) (waiter.resolve(performance.now()), (waiter = null));
  });
  try {
    await waitFor(() => seen.includes('bench$'), 5000, 20);
    const times = [];
    let typed = 0;
    for (let i = 0; i < samples + 5; i++) {
      if (typed >= 40) (term.write('\x15'), await sleep(50), (typed = 0));
      const c = String.fromCharCode(97 + (i % 26));
      seen = '';
      const done = new Promise((resolve) => (waiter = { c, resolve }));
      const t0 = performance.now();
      term.write(c);
      typed++;
      const t1 = await Promise.race([done, sleep(2000).then(() => null)]);
      if (t1 !== null && i >= 5) times.push(t1 - t0);
      await sleep(10);
    }
    return times;
  } finally {
    term.kill();
  }
}

export async function echoHops({ samples = 200 } = {}) {
  const echo = nodeServer(ECHO_SERVER);
  let fwd = null;
  try {
    const echoPort = await portOf(echo);
    fwd = nodeServer(FORWARDER, [`ws://127.0.0.1:${echoPort}`]);
    const fwdPort = await portOf(fwd);
    const pty = summarize(await ptyEcho(samples));
    const oneHop = summarize(await wsRtt(`ws://127.0.0.1:${echoPort}`, samples));
    const twoHops = summarize(await wsRtt(`ws://127.0.0.1:${fwdPort}`, samples));
    return { pty, oneHop, twoHops };
  } finally {
    echo.kill();
    fwd?.kill();
  }
}
