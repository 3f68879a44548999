// A throwaway termlink cluster for tests: PostgreSQL, Redis, three relays as
// real child processes (so one can be killed with -9) and nginx balancing them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATA_FILES } from '../relay/server.js';
import { freePort, startPostgres, startRedis, type Service } from './services.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/termlink.js');
export const CLUSTER_SECRET = 'test-cluster-secret-0123456789';

export interface RelayProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  log: () => string;
}

export interface TestCluster {
  relays: RelayProcess[];
  lb: string;
  operatorKey: string;
  postgres: Service;
  redis: Service;
  dir: string;
  api(relayUrl: string, method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; body: any }>;
  kill9(relay: RelayProcess): void;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'termlink-cluster-'));
  const postgres = await startPostgres();
  const redis = await startRedis();
  const relays: RelayProcess[] = [];
  for (const name of ['a', 'b', 'c']) {
    const port = await freePort();
    const dataDir = join(dir, `relay-${name}`);
    let output = '';
    const child = spawn(
      process.execPath,
      [BIN, 'relay', '--port', String(port), '--data-dir', dataDir, '--database', postgres.url, '--redis', redis.url, '--advertise-url', `http://127.0.0.1:${port}`, '--trust-proxy'],
      { env: { ...process.env, TERMLINK_CLUSTER_SECRET: CLUSTER_SECRET, TERMLINK_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const relay = { name, url: `http://127.0.0.1:${port}`, port, child, log: () => output };
    relays.push(relay);
    await waitReady(relay);
  }
  const operatorKey = readFileSync(join(dir, 'relay-a', DATA_FILES.operatorKey), 'utf8').trim();
  const lbPort = await freePort();
  const nginxDir = join(dir, 'nginx');
  mkdirSync(nginxDir);
  const conf = readFileSync(join(ROOT, 'deploy/nginx-cluster.conf'), 'utf8')
    .replaceAll('__PREFIX__', nginxDir)
    .replace('__RELAY_A__', String(relays[0].port))
    .replace('__RELAY_B__', String(relays[1].port))
    .replace('__RELAY_C__', String(relays[2].port))
    .replace('__PORT__', String(lbPort));
  // As root, nginx would switch its worker to `nobody`, who cannot use our temp dir.
  writeFileSync(join(nginxDir, 'nginx.conf'), (process.getuid?.() === 0 ? 'user root;\n' : '') + conf);
  const nginx = spawn('nginx', ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const lb = `http://127.0.0.1:${lbPort}`;
  await waitReady({ name: 'nginx', url: lb, port: lbPort, child: nginx, log: () => '' });

  const api = async (relayUrl: string, method: string, path: string, body?: unknown, auth = `Bearer ${operatorKey}`) => {
    const response = await fetch(relayUrl + path, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  return {
    relays,
    lb,
    operatorKey,
    postgres,
    redis,
    dir,
    api,
    kill9(relay) {
      relay.child.kill('SIGKILL');
    },
    async stop() {
      nginx.kill('SIGTERM'); // fast shutdown: do not wait for open WebSockets
      await Promise.all(
        relays.map((r) => {
          if (r.child.exitCode !== null || r.child.signalCode !== null) return undefined;
          const exited = new Promise((ok) => r.child.once('exit', ok));
          r.child.kill('SIGINT');
          return exited;
        }),
      );
      await new Promise((ok) => (nginx.exitCode !== null ? ok(null) : nginx.once('exit', ok)));
      await redis.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(relay: RelayProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (relay.child.exitCode !== null) throw new Error(`${relay.name} exited: ${relay.log()}`);
    try {
      const response = await fetch(`${relay.url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${relay.name} not ready: ${relay.log()}`);
}
