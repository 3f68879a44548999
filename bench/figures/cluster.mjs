// Figure 8 (termlink only): a cluster of three relays on PostgreSQL + Redis behind
// nginx (the test helper dist/testing/cluster.js), one agent on relay A only.
//  (a) echo of a protocol client attached to relay A (the agent's relay) against one
//      attached to relay B (authenticated there, then forwarded frame for frame to A);
//  (b) fan-out: N protocol viewers spread round-robin over A, B and C while the shell
//      prints ~1 MB/s of timestamped lines; CPU of each relay process and viewer lag.
// The agent is a child process (bin/termlink.js agent --relay <A>), as in figure 6, so
// its event loop does not share the bench process with 150 viewers.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TermlinkClient } from '../lib/clients.mjs';
import { cpuTicks, rssKb } from '../lib/proc.mjs';
import { quantile, sleep, summarize, waitFor } from '../lib/stats.mjs';
import { ROOT, SHELL, GRID, shellEnv, spawnChild, stopChild } from '../lib/systems.mjs';
import { echoWsRound } from './echo-ws.mjs';
import { GENERATOR, lagClient } from './fanout.mjs';

const HOST = 'bench-cluster';

const works = (cmd, args) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** What the cluster figure needs on this machine; `missing` lists what is not installed. */
export function clusterAvailability() {
  const missing = [];
  if (!existsSync(join(ROOT, 'dist', 'testing', 'cluster.js'))) missing.push('dist/testing/cluster.js (npm run build)');
  const pg = '/usr/lib/postgresql';
  if (!existsSync(pg) || !readdirSync(pg).some((v) => existsSync(join(pg, v, 'bin', 'initdb')))) missing.push('postgresql');
  if (!works('redis-server', ['--version'])) missing.push('redis-server');
  if (!works('nginx', ['-v'])) missing.push('nginx');
  return { missing };
}

async function startAgent(cluster, relayA) {
  const agent = spawnChild(
    process.execPath,
    [join(ROOT, 'bin', 'termlink.js'), 'agent', '--relay', relayA.url, '--data-dir', join(cluster.dir, 'agent'), '--hostname', HOST, '--shell', SHELL],
    shellEnv({ TERMLINK_API_KEY: cluster.operatorKey, TERMLINK_LOG_LEVEL: 'warn' }),
    'agent',
  );
  // mint through relay A once the agent has enrolled (the machine exists in PostgreSQL)
  const share = await waitFor(async () => {
    const r = await cluster.api(relayA.url, 'POST', '/api/shares', { host: HOST, ttl: '24h' }).catch(() => null);
    return r && (r.status === 200 || r.status === 201) ? r.body : null;
  }, 20000, 200);
  if (!share) throw new Error(`cluster agent did not enroll: ${agent.log}`);
  return { agent, share };
}

export async function clusterRun({ tmp, echoSamples = 200, echoRounds = 4, fanout = [30, 150], seconds = 6, warmup = 2, log = () => {} }) {
  const { startCluster } = await import('../../dist/testing/cluster.js');
  const t0 = performance.now();
  const cluster = await startCluster();
  const startSeconds = (performance.now() - t0) / 1000;
  const [A, B, C] = cluster.relays;
  let agent = null;
  try {
    const started = await startAgent(cluster, A);
    agent = started.agent;
    const { token } = started.share;
    // online as seen from relay A (relay B's /api/link reports only agents on B itself)
    const online = await waitFor(async () => (await cluster.api(A.url, 'GET', '/api/link', undefined, `Share ${token}`).catch(() => null))?.body?.online, 20000, 100);
    if (!online) throw new Error(`cluster agent never came online: ${agent.log}`);
    const auth = { kind: 'share', token };
    // size the PTY like every other figure
    const sizer = new TermlinkClient(A.url, auth, GRID);
    await sizer.ready;
    sizer.resize(GRID.cols, GRID.rows);
    await sleep(200);
    sizer.close();

    // (a) echo: alternate A and B in rounds so neither always goes first
    const echo = { A: [], B: [], timeouts: { A: 0, B: 0 } };
    const per = Math.max(1, Math.ceil(echoSamples / echoRounds));
    for (let r = 0; r < echoRounds; r++) {
      for (const [name, relay] of r % 2 ? [['B', B], ['A', A]] : [['A', A], ['B', B]]) {
        const res = await echoWsRound({ client: () => new TermlinkClient(relay.url, auth, GRID) }, { samples: per });
        echo[name].push(...res.latencies);
        echo.timeouts[name] += res.timeouts;
      }
    }
    const a = summarize(echo.A);
    const b = summarize(echo.B);
    const echoResult = { direct: { ...a, samples: echo.A }, forwarded: { ...b, samples: echo.B }, addedP50: b.p50 - a.p50, addedP95: b.p95 - a.p95, timeouts: echo.timeouts };
    log('cluster echo', JSON.stringify({ directP50: a.p50, directP95: a.p95, forwardedP50: b.p50, forwardedP95: b.p95, n: [a.n, b.n] }));

    // (b) fan-out over three relays
    const genPath = join(tmp, 'cluster-gen.cjs');
    writeFileSync(genPath, GENERATOR);
    const levels = [];
    for (const viewers of fanout) {
      try {
        const res = await fanoutLevel({ relays: [A, B, C], agent, auth, genPath, viewers, seconds, warmup });
        log('cluster fanout', JSON.stringify(res, (k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
        levels.push(res);
      } catch (e) {
        levels.push({ viewers, error: e.message.split('\n')[0] });
        log('cluster fanout', viewers, 'FAILED', e.message);
      }
    }
    return { startSeconds, echo: echoResult, fanout: levels };
  } finally {
    await stopChild(agent);
    await cluster.stop();
  }
}

async function fanoutLevel({ relays, agent, auth, genPath, viewers, seconds, warmup, rate = 1 << 20 }) {
  const clients = [];
  for (let i = 0; i < viewers; i += 20) {
    const batch = [];
    for (let k = i; k < Math.min(viewers, i + 20); k++) {
      const relay = relays[k % relays.length];
      const c = lagClient(relay.url, auth, GRID);
      c.relay = relay.name.toUpperCase();
      batch.push(c);
    }
    await Promise.all(batch.map((c) => c.ready));
    clients.push(...batch);
  }
  try {
    clients[0].write(`node ${genPath} ${rate} ${warmup + seconds + 1}\r`);
    await sleep(warmup * 1000);
    for (const c of clients) (c.measure = true), (c.skips0 = c.snapshots ?? 0);
    const pids = Object.fromEntries(relays.map((r) => [r.name.toUpperCase(), r.child.pid]));
    const c0 = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuTicks(p)]));
    const ag0 = cpuTicks(agent.pid);
    const t0 = performance.now();
    const peakRss = Object.fromEntries(Object.keys(pids).map((n) => [n, 0]));
    const rxStart = clients.reduce((s, c) => s + c.received, 0);
    while (performance.now() < t0 + seconds * 1000) {
      for (const [n, p] of Object.entries(pids)) peakRss[n] = Math.max(peakRss[n], rssKb(p) / 1024);
      await sleep(250);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, ((cpuTicks(p) - c0[n]) / 100 / elapsed) * 100]));
    const agentCpu = ((cpuTicks(agent.pid) - ag0) / 100 / elapsed) * 100;
    const rx = clients.reduce((s, c) => s + c.received, 0) - rxStart;
    for (const c of clients) c.measure = false;
    await sleep(1500); // let the generator finish before the next level
    const perViewer = clients.map((c) => ({ relay: c.relay, p50: quantile(c.lags, 0.5), max: c.maxLag, skips: (c.snapshots ?? 0) - c.skips0, n: c.lags.length }));
    const byRelay = {};
    for (const name of Object.keys(pids)) {
      const mine = perViewer.filter((p) => p.relay === name);
      const p50s = mine.map((p) => p.p50).filter(Number.isFinite);
      byRelay[name] = {
        viewers: mine.length,
        medianLagP50: quantile(p50s, 0.5),
        worstLag: mine.length ? Math.max(...mine.map((p) => p.max)) : NaN,
        skips: mine.reduce((s, p) => s + p.skips, 0),
        starved: mine.filter((p) => p.n === 0).length,
      };
    }
    const p50s = perViewer.map((p) => p.p50).filter(Number.isFinite);
    return {
      viewers,
      cpu,
      cpuTotal: Object.values(cpu).reduce((s, v) => s + v, 0),
      agentCpu,
      rssMb: peakRss,
      perViewerMBps: rx / viewers / elapsed / 1e6,
      lagP50: quantile(p50s, 0.5),
      slowestViewerP50: p50s.length ? Math.max(...p50s) : NaN,
      lagMax: Math.max(...perViewer.map((p) => p.max)),
      skips: perViewer.reduce((s, p) => s + p.skips, 0),
      starved: perViewer.filter((p) => p.n === 0).length,
      byRelay,
    };
  } finally {
    for (const c of clients) c.close();
    await sleep(300);
  }
}
