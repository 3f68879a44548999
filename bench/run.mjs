#!/usr/bin/env node
// termlink's benchmark suite (issue 6): termlink side by side with ttyd and WeTTY,
// alternating systems round by round, then bench/RESULTS.md is rewritten.
//   node bench/run.mjs              full run (~10–15 min on 2 cores)
//   node bench/run.mjs --quick      smoke run: every figure, tiny sizes
//   node bench/run.mjs --only echo,throughput
//   node bench/run.mjs --report-only   rewrite RESULTS.md from the last full run (bench/.work/last.json)
// Figures: echo (browser + protocol), throughput, flood, coldopen, fanout, memory,
// cluster (3 relays on PostgreSQL + Redis behind nginx; skipped when those are missing).
// Peers: ttyd from TTYD_BIN or PATH; WeTTY from bench/.work, installed there on first
// use (npm install --prefix bench/.work wetty@3.2.0 socket.io-client@4.8.3; skipped
// with a note if that fails). Missing peers are reported.
// Exit status: non-zero when a selected figure produced no value (never on timings).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './lib/browser.mjs';
import { writeCorpus } from './lib/mixed.mjs';
import { machineInfo, writeReport } from './lib/report.mjs';
import { ROOT, WORK, WETTY_PACKAGES, availability, startTermlink, starters } from './lib/systems.mjs';
import { echoBrowserRound } from './figures/echo-browser.mjs';
import { echoWsRound } from './figures/echo-ws.mjs';
import { ceilingRound, throughputBrowserRound, throughputWsRound } from './figures/throughput.mjs';
import { floodRound } from './figures/flood.mjs';
import { coldOpenRound } from './figures/coldopen.mjs';
import { fanoutLevel } from './figures/fanout.mjs';
import { memoryRun } from './figures/memory.mjs';
import { echoHops } from './figures/hops.mjs';
import { clusterAvailability, clusterRun } from './figures/cluster.mjs';

const FIGURES = ['echo', 'throughput', 'flood', 'coldopen', 'fanout', 'memory', 'cluster'];
const argv = process.argv.slice(2);
if (argv.includes('--report-only')) {
  // Re-render RESULTS.md from the last full run's JSON (after changing the report's wording).
  const last = JSON.parse(readFileSync(join(ROOT, 'bench', '.work', 'last.json'), 'utf8'));
  writeReport(join(ROOT, 'bench', 'RESULTS.md'), last, availability());
  console.log('rewrote bench/RESULTS.md from bench/.work/last.json');
  process.exit(0);
}
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const onlyValue = onlyArg?.includes('=') ? onlyArg.split('=')[1] : onlyArg ? argv[argv.indexOf(onlyArg) + 1] : null;
const only = onlyValue ? onlyValue.split(',').map((s) => s.trim()) : FIGURES;
for (const f of only) if (!FIGURES.includes(f)) (console.error(`unknown figure ${f}; choose from ${FIGURES.join(', ')}`), process.exit(2));
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : quick ? join(ROOT, 'bench', '.work', 'RESULTS.quick.md') : join(ROOT, 'bench', 'RESULTS.md');

const CFG = quick
  ? { echoRounds: 1, echoSamples: 10, wsRounds: 1, wsSamples: 20, tpRounds: 1, corpusMB: 1, bigMB: 5, floodRounds: 1, catFloodRounds: 1, floodMs: 500, coldRounds: 1, fanout: [5], fanoutSeconds: 1, fanoutWarmup: 1, links: 20,
      clusterEchoSamples: 10, clusterEchoRounds: 2, clusterFanout: [6], clusterSeconds: 1, clusterWarmup: 1 }
  : { echoRounds: 2, echoSamples: 100, wsRounds: 3, wsSamples: 100, tpRounds: 2, corpusMB: 20, bigMB: 100, floodRounds: 3, catFloodRounds: 2, floodMs: 2000, coldRounds: 5, fanout: [1, 10, 100, 200], fanoutSeconds: 8, fanoutWarmup: 2, links: 1000,
      clusterEchoSamples: 200, clusterEchoRounds: 4, clusterFanout: [30, 150], clusterSeconds: 6, clusterWarmup: 2 };

const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const started = Date.now();
const results = { quick, only, cfg: CFG, figures: {}, notes: [], errors: [] };
const needPeers = only.some((f) => ['echo', 'throughput', 'flood', 'coldopen'].includes(f));

/** A fresh clone has no WeTTY: install it into bench/.work (git-ignored) once; on failure the column is skipped with a note. */
function ensureWetty() {
  if (availability().wetty || process.env.BENCH_NO_INSTALL) return;
  mkdirSync(WORK, { recursive: true });
  const logFile = join(WORK, 'install.log');
  log(`WeTTY missing: npm install --prefix bench/.work ${WETTY_PACKAGES.join(' ')} (log: bench/.work/install.log)`);
  const t = Date.now();
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['install', '--prefix', WORK, '--no-audit', '--no-fund', ...WETTY_PACKAGES], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
    appendFileSync(logFile, out);
    log(`WeTTY installed in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } catch (e) {
    appendFileSync(logFile, String(e.stdout ?? '') + String(e.stderr ?? '') + String(e.message));
  }
  if (!availability().wetty) results.notes.push(`WeTTY column skipped: \`npm install --prefix bench/.work ${WETTY_PACKAGES.join(' ')}\` failed (see bench/.work/install.log).`);
}
if (needPeers) ensureWetty();
const avail = availability();
if (needPeers && !avail.ttyd) results.notes.push('ttyd column skipped: no ttyd binary (set TTYD_BIN or put ttyd on PATH).');
const tmp = mkdtempSync(join(tmpdir(), 'termlink-bench-data-'));

/** Rotate the order each round so no system always goes first. */
const rotate = (list, r) => list.map((_, i) => list[(i + r) % list.length]);

async function perRound(systems, rounds, label, fn) {
  const acc = Object.fromEntries(systems.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const s of rotate(systems, r)) {
      // A round that fails is run once more (a shared 2-core machine has hiccups); the
      // failure stays in the report's notes either way, and a second failure is an error.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          const res = await fn(s, r);
          // A round that ran but saw no end (no prompt, no END marker) counts as failed too.
          if (res && res.finished === false && attempt === 1) throw new Error('the round did not finish (no prompt / end marker seen)');
          acc[s.name].push(res);
          log(label, s.name, `round ${r + 1}/${rounds}`, JSON.stringify(res, (k, v) => (Array.isArray(v) && v.length > 8 ? `[${v.length}]` : typeof v === 'number' ? Math.round(v * 100) / 100 : v)));
          break;
        } catch (e) {
          const what = `${label} ${s.name} round ${r + 1}${attempt > 1 ? ' (retry)' : ''}: ${e.message.split('\n')[0]}`;
          log(label, s.name, 'FAILED', e.message);
          if (attempt === 1) {
            results.notes.push(`${what} — ran the round again`);
            continue;
          }
          results.errors.push(what);
          acc[s.name].push({ error: e.message });
        }
      }
    }
  }
  return acc;
}

let browser = null;
let systems = [];
try {
  log(`bench ${quick ? '(quick) ' : ''}figures: ${only.join(', ')}`);
  browser = await launch();
  results.machine = machineInfo(browser, avail);
  let corpus = null;
  let big = null;
  if (only.includes('throughput')) {
    corpus = { path: join(tmp, 'mixed-20mb.txt'), ...(await writeCorpus(join(tmp, 'mixed-20mb.txt'), CFG.corpusMB * 1e6)) };
    log(`corpus ${corpus.bytes} bytes, ${corpus.lines} lines`);
  }
  if (only.includes('flood') || only.includes('memory')) {
    big = { path: join(tmp, 'mixed-big.txt'), ...(await writeCorpus(join(tmp, 'mixed-big.txt'), CFG.bigMB * 1e6)) };
    log(`big corpus ${big.bytes} bytes, ${big.lines} lines`);
  }
  if (needPeers) {
    for (const st of starters(avail)) {
      try {
        systems.push(await st.start());
      } catch (e) {
        results.errors.push(`could not start ${st.name}: ${e.message.split('\n')[0]}`);
      }
    }
    results.systems = systems.map((s) => ({ name: s.name, version: s.version, renderer: s.renderer }));
  }

  if (only.includes('echo')) {
    results.figures.echoBrowser = await perRound(systems, CFG.echoRounds, 'echo-browser', (s) => echoBrowserRound(browser, s, { samples: CFG.echoSamples }));
    results.figures.echoWs = await perRound(systems, CFG.wsRounds, 'echo-ws', (s) => echoWsRound(s, { samples: CFG.wsSamples }));
    try {
      results.figures.echoHops = await echoHops({ samples: CFG.wsSamples * 2 });
      log('echo hops', JSON.stringify(Object.fromEntries(Object.entries(results.figures.echoHops).map(([k, v]) => [k, Math.round(v.p50 * 100) / 100]))));
    } catch (e) {
      results.errors.push(`echo hops: ${e.message.split('\n')[0]}`);
    }
  }
  if (only.includes('throughput')) {
    results.corpus = { bytes: corpus.bytes, lines: corpus.lines };
    results.figures.throughput = await perRound(systems, CFG.tpRounds, 'throughput', (s) => throughputBrowserRound(browser, s, corpus, { timeoutMs: 150000 }));
    results.figures.throughputWs = await perRound(systems, CFG.tpRounds, 'throughput-ws', (s) => throughputWsRound(s, corpus, { timeoutMs: 120000 }));
    results.figures.ceiling = await perRound(systems, CFG.tpRounds, 'ceiling', (s) => ceilingRound(browser, s, corpus, { timeoutMs: 120000 }));
  }
  if (only.includes('flood')) {
    results.big = { bytes: big.bytes, lines: big.lines };
    results.figures.floodYes = await perRound(systems, CFG.floodRounds, 'flood-yes', (s) => floodRound(browser, s, 'yes', { floodMs: CFG.floodMs }));
    results.figures.floodCat = await perRound(systems, CFG.catFloodRounds, 'flood-cat', (s) => floodRound(browser, s, `cat ${big.path}`, { floodMs: CFG.floodMs }));
  }
  if (only.includes('coldopen')) {
    results.figures.coldOpen = await perRound(systems, CFG.coldRounds, 'coldopen', (s, r) => coldOpenRound(browser, s, { collectBytes: r === 0 }));
  }
  await Promise.all(systems.map((s) => s.stop().catch(() => {})));
  systems = [];

  if (only.includes('fanout')) {
    const tl = await startTermlink();
    systems = [tl];
    results.figures.fanout = [];
    for (const viewers of CFG.fanout) {
      try {
        const r = await fanoutLevel(browser, tl, tmp, { viewers, seconds: CFG.fanoutSeconds, warmup: CFG.fanoutWarmup });
        log('fanout', JSON.stringify(r));
        results.figures.fanout.push(r);
      } catch (e) {
        log('fanout', viewers, 'FAILED', e.message);
        results.errors.push(`fanout ${viewers}: ${e.message.split('\n')[0]}`);
      }
    }
    await tl.stop();
    systems = [];
  }
  if (only.includes('memory')) {
    const tl = await startTermlink();
    systems = [tl];
    try {
      results.figures.memory = await memoryRun(tl, big, { links: CFG.links });
      log('memory', JSON.stringify(results.figures.memory));
    } catch (e) {
      results.errors.push(`memory: ${e.message.split('\n')[0]}`);
    }
    await tl.stop();
    systems = [];
  }
  if (only.includes('cluster')) {
    const { missing } = clusterAvailability();
    if (missing.length) {
      results.figures.cluster = { skipped: `not available: ${missing.join(', ')} not installed (.ci/run installs Debian's postgresql, redis-server and nginx)` };
      log('cluster', results.figures.cluster.skipped);
    } else {
      try {
        results.figures.cluster = await clusterRun({
          tmp,
          echoSamples: CFG.clusterEchoSamples,
          echoRounds: CFG.clusterEchoRounds,
          fanout: CFG.clusterFanout,
          seconds: CFG.clusterSeconds,
          warmup: CFG.clusterWarmup,
          log,
        });
        for (const l of results.figures.cluster.fanout) if (l.error) results.errors.push(`cluster fan-out ${l.viewers}: ${l.error}`);
      } catch (e) {
        log('cluster FAILED', e.message);
        results.errors.push(`cluster: ${e.message.split('\n')[0]}`);
      }
    }
  }
} catch (e) {
  results.errors.push(`run aborted: ${e.stack}`);
  console.error(e);
} finally {
  for (const s of systems) await s.stop().catch(() => {});
  await browser?.close().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
results.seconds = (Date.now() - started) / 1000;
results.command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
mkdirSync(join(ROOT, 'bench', '.work'), { recursive: true });
// Only a full run of every figure is what --report-only re-renders RESULTS.md from.
const complete = !quick && only.length === FIGURES.length && out === join(ROOT, 'bench', 'RESULTS.md');
writeFileSync(join(ROOT, 'bench', '.work', complete ? 'last.json' : quick ? 'last-quick.json' : 'last-partial.json'), JSON.stringify(results, null, 1));
writeReport(out, results, avail);
log(`wrote ${out} in ${results.seconds.toFixed(0)} s; ${results.errors.length} error(s)`);
// the smoke run asserts only that each selected figure produced a value for every
// system it ran (never a timing)
const names = (results.systems ?? []).map((x) => x.name);
const good = (rounds) => (rounds ?? []).some((r) => r && !r.error);
const perSystem = (fig, test = good) => !!fig && names.length > 0 && names.every((n) => test(fig[n]));
const finished = (rounds) => (rounds ?? []).some((r) => r && !r.error && r.finished !== false && Number.isFinite(r.mbps ?? r.ms));
const F = results.figures;
const produced = {
  echo: () => perSystem(F.echoBrowser, (rs) => (rs ?? []).some((r) => r?.latencies?.length)) && perSystem(F.echoWs, (rs) => (rs ?? []).some((r) => r?.latencies?.length)),
  throughput: () => perSystem(F.throughput, finished) && perSystem(F.throughputWs, finished) && perSystem(F.ceiling, finished),
  flood: () => perSystem(F.floodYes, finished) && perSystem(F.floodCat, finished),
  coldopen: () => perSystem(F.coldOpen, (rs) => (rs ?? []).some((r) => Number.isFinite(r?.ms))),
  fanout: () => F.fanout?.length === CFG.fanout.length && F.fanout.every((r) => Number.isFinite(r.cpu) && Number.isFinite(r.medianViewerP50)),
  memory: () => !!F.memory && Number.isFinite(F.memory.idle?.relay) && Number.isFinite(F.memory.peak?.relay),
  cluster: () => !!F.cluster && (!!F.cluster.skipped || (F.cluster.echo?.direct?.n > 0 && F.cluster.echo?.forwarded?.n > 0 && F.cluster.fanout?.length === CFG.clusterFanout.length && F.cluster.fanout.every((l) => !l.error && Number.isFinite(l.cpuTotal) && Number.isFinite(l.lagP50)))),
};
const missing = only.filter((f) => !produced[f]());
if (missing.length) console.error(`figures not produced: ${missing.join(', ')}`);
else log(`every selected figure produced a value (${only.join(', ')})`);
// exit explicitly: a stray socket or timer must not keep CI waiting
process.exit(missing.length ? 1 : 0);
