// Figure 7 (termlink): relay and agent RSS idle, idle with 1 000 links, and the
// peak while `cat` prints the 100 MB corpus to three protocol viewers (relay and
// agent are separate child processes; VmRSS sampled every 100 ms, VmHWM at the end).
import { TermlinkClient } from '../lib/clients.mjs';
import { hwmKb, rssKb } from '../lib/proc.mjs';
import { sleep } from '../lib/stats.mjs';

export async function memoryRun(system, corpus, { links = 1000, timeoutMs = 180000 }) {
  const { relay, agent } = system.pids;
  const mb = (kb) => kb / 1024;
  const idle = { relay: mb(rssKb(relay)), agent: mb(rssKb(agent)) };
  const t0 = performance.now();
  let minted = 1; // the bench's own link
  for (let i = 1; i < links; i += 10) {
    const batch = [];
    for (let k = i; k < Math.min(links, i + 10); k++) batch.push(system.mint().then(() => minted++));
    await Promise.all(batch);
  }
  const mintSeconds = (performance.now() - t0) / 1000;
  await sleep(1500);
  const withLinks = { relay: mb(rssKb(relay)), agent: mb(rssKb(agent)), links: minted, mintSeconds };
  const clients = [0, 1, 2].map(() => new TermlinkClient(system.url, { kind: 'share', token: system.share.token }));
  await Promise.all(clients.map((c) => c.ready));
  await sleep(300);
  let tail = '';
  clients[0].onData = (b) => (tail = (tail + b.toString('latin1')).slice(-200));
  const sentinel = `SENTINEL ${corpus.lines}`;
  const peak = { relay: 0, agent: 0 };
  const start = performance.now();
  clients[0].write(`cat ${corpus.path}\r`);
  let finished = false;
  while (performance.now() - start < timeoutMs) {
    peak.relay = Math.max(peak.relay, rssKb(relay));
    peak.agent = Math.max(peak.agent, rssKb(agent));
    if (tail.includes(sentinel)) {
      finished = true;
      break;
    }
    await sleep(100);
  }
  const seconds = (performance.now() - start) / 1000;
  const received = clients.map((c) => c.received);
  const skips = clients.map((c) => c.snapshots ?? 0);
  clients[0].write('\x03');
  await sleep(200);
  for (const c of clients) c.close();
  return {
    idle,
    withLinks,
    peak: { relay: mb(peak.relay), agent: mb(peak.agent) },
    hwm: { relay: mb(hwmKb(relay)), agent: mb(hwmKb(agent)) },
    finished,
    seconds,
    receivedMB: received.map((r) => r / 1e6),
    skips,
    corpusMB: corpus.bytes / 1e6,
  };
}
