// Figure 2: echo without a browser. A client speaking each system's own protocol
// writes one byte and waits for it to come back (server + PTY + bash + network).
import { sleep } from '../lib/stats.mjs';

const CHARS = 'abcdefghijklmnopqrstuvwxyz';

export async function echoWsRound(system, { samples, gapMs = 10 }) {
  const client = system.client();
  await client.ready;
  const latencies = [];
  let timeouts = 0;
  let seen = '';
  let waiter = null;
  client.onData = (buf) => {
    seen += buf.toString('latin1');
    if (waiter && seen.includes(waiter.c)) {
      const w = waiter;
      waiter = null;
      w.resolve(performance.now());
    }
  };
  try {
    await sleep(300);
    client.write('\x15');
    await sleep(100);
    let typed = 0;
    for (let i = 0; i < samples; i++) {
      if (typed >= 40) {
        client.write('\x15');
        await sleep(60);
        typed = 0;
      }
      const c = CHARS[i % CHARS.length];
      seen = '';
      const done = new Promise((resolve) => {
        waiter = { c, resolve };
      });
      const t0 = performance.now();
      client.write(c);
      typed++;
      const t1 = await Promise.race([done, sleep(3000).then(() => null)]);
      if (t1 === null) {
        waiter = null;
        timeouts++;
      } else latencies.push(t1 - t0);
      await sleep(gapMs);
    }
    client.write('\x15');
    await sleep(50);
  } finally {
    client.close();
  }
  return { latencies, timeouts };
}
