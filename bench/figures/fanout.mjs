// Figure 6 (termlink only): N protocol viewers plus one browser on one session
// while the shell prints ~1 MB/s of timestamped lines. Relay CPU from
// /proc/PID/stat, relay RSS sampled from /proc/PID/status, and how far behind
// live each viewer is (receive time minus the line's own timestamp; one clock:
// both are Node processes on this machine; the page's clock offset is measured).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTerminal } from '../lib/browser.mjs';
import { TermlinkClient } from '../lib/clients.mjs';
import { cpuTicks, rssKb } from '../lib/proc.mjs';
import { quantile, sleep } from '../lib/stats.mjs';

export const GENERATOR = `
const rate = Number(process.argv[2]), seconds = Number(process.argv[3]);
const LINE = 1000; const start = Date.now(); let sent = 0;
const pad = 'x'.repeat(LINE);
const tick = () => {
  const now = Date.now();
  if (now - start > seconds * 1000) { process.stdout.write('FANOUT-DONE\\n'); return; }
  const owed = Math.floor(((now - start) / 1000) * rate) - sent;
  let out = '';
  for (let n = 0; n < Math.floor(owed / LINE); n++) { const t = 'T' + Date.now() + ' '; out += t + pad.slice(0, LINE - t.length - 1) + '\\n'; }
  sent += out.length;
  if (out) process.stdout.write(out, () => setTimeout(tick, 10)); else setTimeout(tick, 10);
};
tick();
`;

export function lastStamp(buf) {
  const from = Math.max(0, buf.length - 2100);
  const s = buf.toString('latin1', from);
  const i = s.lastIndexOf('\nT');
  if (i < 0 || i + 15 > s.length) return null;
  const ts = Number(s.slice(i + 2, i + 15));
  return Number.isFinite(ts) ? ts : null;
}

/**
 * A protocol viewer that records how far behind live each timestamped line arrives
 * (the GENERATOR's lines), once `measure` is switched on.
 */
export function lagClient(url, auth, grid) {
  const c = new TermlinkClient(url, auth, grid);
  c.lags = [];
  c.maxLag = 0;
  c.measure = false;
  c.onData = (buf) => {
    if (!c.measure) return;
    const ts = lastStamp(buf);
    if (ts !== null) {
      const lag = Date.now() - ts;
      c.lags.push(lag);
      if (lag > c.maxLag) c.maxLag = lag;
    }
  };
  return c;
}

export async function fanoutLevel(browser, system, tmp, { viewers, seconds, warmup = 2, rate = 1 << 20 }) {
  const genPath = join(tmp, 'fanout-gen.cjs');
  writeFileSync(genPath, GENERATOR);
  // one browser viewer, opened first; it also sizes the PTY
  const { page, context } = await openTerminal(browser, system);
  const offset = await (async () => {
    const a = Date.now();
    const p = await page.evaluate(() => Date.now());
    const b = Date.now();
    return p - (a + b) / 2; // page clock minus node clock
  })();
  await page.evaluate(() => {
    const b = window.__bench;
    b.fan = { lags: [], on: false };
    b.term().onWriteParsed(() => {
      if (!b.fan.on) return;
      const buf = b.term().buffer.active;
      const line = buf.getLine(buf.baseY + buf.cursorY - 1)?.translateToString(true) ?? '';
      const m = /^T(\d{13})/.exec(line);
      if (m) b.fan.lags.push(Date.now() - Number(m[1]));
    });
  });
  const clients = [];
  for (let i = 0; i < viewers; i += 20) {
    const batch = [];
    for (let k = i; k < Math.min(viewers, i + 20); k++) {
      batch.push(lagClient(system.url, { kind: 'share', token: system.share.token }));
    }
    await Promise.all(batch.map((c) => c.ready));
    clients.push(...batch);
  }
  const starter = clients[0] ?? null;
  const cmd = `node ${genPath} ${rate} ${warmup + seconds + 1}\r`;
  if (starter) starter.write(cmd);
  else await page.keyboard.type(cmd.trim()), await page.keyboard.press('Enter');
  await sleep(warmup * 1000);
  for (const c of clients) (c.measure = true), (c.skips0 = c.snapshots ?? 0);
  await page.evaluate(() => (window.__bench.fan.on = true));
  const pid = system.pids.relay;
  const c0 = cpuTicks(pid);
  const a0 = cpuTicks(system.pids.agent);
  const t0 = performance.now();
  let peakRss = 0;
  const rxStart = clients.reduce((s, c) => s + c.received, 0);
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    peakRss = Math.max(peakRss, rssKb(pid));
    await sleep(250);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = ((cpuTicks(pid) - c0) / 100 / elapsed) * 100;
  const agentCpu = ((cpuTicks(system.pids.agent) - a0) / 100 / elapsed) * 100;
  const rx = clients.reduce((s, c) => s + c.received, 0) - rxStart;
  for (const c of clients) c.measure = false;
  const pageLags = await page.evaluate(() => ((window.__bench.fan.on = false), window.__bench.fan.lags));
  await sleep((1 + 0.5) * 1000);
  const per = clients.map((c) => ({ p50: quantile(c.lags, 0.5), max: c.maxLag, skips: (c.snapshots ?? 0) - c.skips0, n: c.lags.length }));
  const p50s = per.map((p) => p.p50).filter(Number.isFinite);
  const result = {
    viewers,
    cpu,
    agentCpu,
    rssMb: peakRss / 1024,
    perViewerMBps: viewers ? rx / viewers / elapsed / 1e6 : null,
    medianViewerP50: quantile(p50s, 0.5),
    slowestViewerP50: p50s.length ? Math.max(...p50s) : NaN,
    slowestViewerMax: per.length ? Math.max(...per.map((p) => p.max)) : NaN,
    skips: per.reduce((s, p) => s + p.skips, 0),
    starved: per.filter((p) => p.n === 0).length,
    browserP50: quantile(pageLags.map((l) => l - offset), 0.5),
    browserMax: pageLags.length ? Math.max(...pageLags.map((l) => l - offset)) : NaN,
    clockOffsetMs: offset,
  };
  for (const c of clients) c.close();
  await context.close();
  await sleep(500);
  return result;
}
