// Start and stop each system under the same conditions: the same shell
// (bash --norc --noprofile -i, fixed PS1, no history), UTF-8 locale, 127.0.0.1 only.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TermlinkClient, TtydClient, WettyClient } from './clients.mjs';
import { waitFor, sleep } from './stats.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORK = join(ROOT, 'bench', '.work');
export const PROMPT = 'bench$ ';
export const SHELL_ARGV = ['bash', '--norc', '--noprofile', '-i'];
export const SHELL = SHELL_ARGV.join(' ');
export const GRID = { cols: 120, rows: 40 };
/** What `npm install --prefix bench/.work` gets for the WeTTY column. */
export const WETTY_PACKAGES = ['wetty@3.2.0', 'socket.io-client@4.8.3'];
const WETTY_MAIN = join(WORK, 'node_modules', 'wetty', 'build', 'main.js');
const SOCKET_IO_CLIENT = join(WORK, 'node_modules', 'socket.io-client');

/** Environment every shell gets. */
export function shellEnv(extra = {}) {
  const env = { ...process.env, PS1: PROMPT, HISTFILE: '/dev/null', LANG: 'C.UTF-8', ...extra };
  delete env.LC_ALL;
  delete env.PROMPT_COMMAND;
  return env;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function httpOk(url) {
  try {
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

export function spawnChild(cmd, args, env, tag) {
  const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  p.log = '';
  const keep = (d) => {
    p.log += d.toString();
    if (p.log.length > 20000) p.log = p.log.slice(-10000);
  };
  p.stdout.on('data', keep);
  p.stderr.on('data', keep);
  p.tag = tag;
  return p;
}

export async function stopChild(p, signal = 'SIGTERM') {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  p.kill(signal);
  const done = await waitFor(() => p.exitCode !== null || p.signalCode !== null, 5000, 50);
  if (!done) p.kill('SIGKILL');
}

// ------------------------------------------------------------------ termlink

export function termlinkVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}

/** Relay and agent as two child processes (bin/termlink.js), one share link. */
export async function startTermlink() {
  const dir = mkdtempSync(join(tmpdir(), 'termlink-bench-'));
  const bin = join(ROOT, 'bin', 'termlink.js');
  const relay = spawnChild(process.execPath, [bin, 'relay', '--port', '0', '--data-dir', dir], { ...process.env, TERMLINK_LOG_LEVEL: 'warn' }, 'relay');
  const url = await waitFor(() => relay.log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1], 20000, 50);
  if (!url) throw new Error(`termlink relay did not start: ${relay.log}`);
  const key = readFileSync(join(dir, 'operator.key'), 'utf8').trim();
  const agent = spawnChild(
    process.execPath,
    [bin, 'agent', '--relay', url, '--data-dir', dir, '--hostname', 'bench-host', '--shell', SHELL],
    shellEnv({ TERMLINK_API_KEY: key }),
    'agent',
  );
  const api = async (method, path, body, auth = `Bearer ${key}`) => {
    const r = await fetch(url + path, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  const enrolled = await waitFor(async () => existsSync(join(dir, 'agent.json')), 20000, 50);
  if (!enrolled) throw new Error(`termlink agent did not enroll: ${agent.log}`);
  const mint = async () => {
    const r = await api('POST', '/api/shares', { host: 'bench-host', ttl: '24h' });
    if (r.status !== 200 && r.status !== 201) throw new Error(`mint failed ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const share = await mint();
  const online = await waitFor(async () => (await api('GET', '/api/link', undefined, `Share ${share.token}`)).body.online, 20000, 100);
  if (!online) throw new Error(`termlink agent never came online: ${agent.log}`);
  const auth = { kind: 'operator', key, machine: 'bench-host' };
  return {
    name: 'termlink',
    version: termlinkVersion(),
    url,
    dir,
    share,
    api,
    mint,
    pids: { relay: relay.pid, agent: agent.pid },
    procs: { relay, agent },
    pageUrl: () => share.url,
    renderer: 'DOM (xterm.js default; the page loads no WebGL add-on)',
    client: (size = GRID) => new TermlinkClient(url, auth, size),
    /** Size the shared PTY (the page renders exactly the PTY grid). */
    async setGrid(page, size = GRID) {
      // A resize sent right after the first page attaches can be lost (the page keeps
      // its own size): retry until the page shows the grid.
      for (let attempt = 0; attempt < 5; attempt++) {
        const c = new TermlinkClient(url, auth, size);
        await c.ready;
        c.resize(size.cols, size.rows);
        await sleep(300);
        c.close();
        const g = await page.evaluate(() => window.termlink?.grid?.());
        if (g && g.cols === size.cols && g.rows === size.rows) {
          if (attempt > 0) this.lostResizes = (this.lostResizes ?? 0) + attempt;
          return;
        }
      }
    },
    async stop() {
      await stopChild(agent);
      // SIGINT: the relay exits at once; SIGTERM starts its graceful drain, which on an
      // idle relay still outlasted stopChild's 5 s wait (then SIGKILL) when this was written
      await stopChild(relay, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------- ttyd

export function findTtyd() {
  const candidates = [process.env.TTYD_BIN];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v ttyd'], { encoding: 'utf8' }).trim());
  } catch {}
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

export function ttydVersion(bin) {
  try {
    const text = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    let lws = '';
    try {
      const ldd = execFileSync('ldd', [bin], { encoding: 'utf8' });
      const m = ldd.match(/libwebsockets\.so\.(\d+)/);
      if (m) lws = `, libwebsockets.so.${m[1]}`;
      const v = execFileSync('sh', ['-c', "dpkg-query -W -f='${Version}' libwebsockets17 2>/dev/null || true"], { encoding: 'utf8' }).trim();
      if (v) lws = `, libwebsockets ${v}`;
    } catch {}
    return text.replace(/^ttyd version /, '') + lws;
  } catch {
    return 'unknown';
  }
}

export async function startTtyd(bin) {
  const port = await freePort();
  const p = spawnChild(
    bin,
    ['-i', '127.0.0.1', '-p', String(port), '-W', '-P', '3600', '-t', 'rendererType=dom', '-t', 'disableLeaveAlert=true', '-t', 'disableResizeOverlay=true', ...SHELL_ARGV],
    shellEnv(),
    'ttyd',
  );
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitFor(() => httpOk(url + '/'), 10000, 50))) throw new Error(`ttyd did not start: ${p.log}`);
  return {
    name: 'ttyd',
    version: ttydVersion(bin),
    url,
    pids: { server: p.pid },
    pageUrl: () => url + '/',
    renderer: 'DOM (-t rendererType=dom)',
    client: (size = GRID) => new TtydClient(url, size),
    async setGrid(page, size = GRID) {
      await page.evaluate(({ cols, rows }) => window.__bench.term().resize(cols, rows), size);
    },
    stop: () => stopChild(p),
  };
}

// --------------------------------------------------------------------- WeTTY

export function wettyVersion() {
  try {
    return JSON.parse(readFileSync(join(WORK, 'node_modules', 'wetty', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

export async function startWetty() {
  const port = await freePort();
  const p = spawnChild(process.execPath, [WETTY_MAIN, '--host', '127.0.0.1', '-p', String(port), '--command', SHELL], shellEnv(), 'wetty');
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitFor(() => httpOk(url + '/'), 15000, 50))) throw new Error(`WeTTY did not start: ${p.log}`);
  return {
    name: 'WeTTY',
    version: wettyVersion(),
    url,
    pids: { server: p.pid },
    pageUrl: () => url + '/',
    renderer: 'DOM: its WebGL add-on is disposed in the page after load (WeTTY has no renderer option)',
    client: (size = GRID) => new WettyClient(url, size, SOCKET_IO_CLIENT),
    async setGrid(page, size = GRID) {
      await page.evaluate(({ cols, rows }) => {
        const t = window.wetty_term;
        t.resize(cols, rows);
        t.socket.emit('resize', { cols, rows });
      }, size);
    },
    stop: () => stopChild(p),
  };
}

/** Which systems this run can use: termlink always, peers when installed. */
export function availability() {
  const ttyd = findTtyd();
  const wetty = existsSync(WETTY_MAIN) && existsSync(SOCKET_IO_CLIENT);
  return {
    ttyd: ttyd ? { bin: ttyd, version: ttydVersion(ttyd) } : null,
    wetty: wetty ? { version: wettyVersion() } : null,
  };
}

/** Starters for the systems a run compares, in a fixed order. */
export function starters(avail) {
  const list = [{ name: 'termlink', start: startTermlink }];
  if (avail.ttyd) list.push({ name: 'ttyd', start: () => startTtyd(avail.ttyd.bin) });
  if (avail.wetty) list.push({ name: 'WeTTY', start: startWetty });
  return list;
}
