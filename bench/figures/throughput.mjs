// Figure 3: `cat` of the mixed corpus until the END marker is parsed in the page;
// lines counted in-page with onLineFeed between the BEGIN and END markers (xterm's
// scrollback is bounded, so the buffer itself cannot be counted). Also the same
// without a browser, and the ceiling: the same bytes written into the page's xterm
// from memory.
import { openTerminal, runCommand } from '../lib/browser.mjs';
import { mixedLine, corpusLine } from '../lib/mixed.mjs';
import { sleep } from '../lib/stats.mjs';
import { chromiumPids, cpuMeter } from '../lib/proc.mjs';

/** CPU groups: each server process of the system (relay, agent / server) and, for page rounds, Chromium. */
const groups = (system, page) => ({ ...Object.fromEntries(Object.entries(system.pids).map(([k, p]) => [k, [p]])), ...(page ? { chromium: chromiumPids } : {}) });

export async function throughputBrowserRound(browser, system, corpus, { timeoutMs }) {
  const { page, context, renderer } = await openTerminal(browser, system);
  try {
    await page.evaluate(() => window.__bench.resetMarks());
    const meter = cpuMeter(groups(system, true));
    await runCommand(page, `cat ${corpus.path}`);
    const end = await page.evaluate((ms) => window.__bench.waitMark('END', ms), timeoutMs);
    const cpu = meter.stop();
    const r = await page.evaluate(() => ({ begin: window.__bench.marks.BEGIN ?? null, end: window.__bench.marks.END ?? null, enter: window.__bench.lastEnter }));
    if (!end || !r.begin) return { finished: false, renderer, lines: r.begin ? null : 0, expected: corpus.lines - 1 };
    const seconds = (r.end.t - r.enter) / 1000;
    return {
      finished: true,
      renderer,
      seconds,
      mbps: corpus.bytes / 1e6 / seconds,
      lines: r.end.lf - r.begin.lf,
      expected: corpus.lines - 1,
      cpu,
    };
  } finally {
    // leave the shell at a prompt for the next user of a shared session
    await page.keyboard.press('Control+C').catch(() => {});
    await context.close();
  }
}

/** The same `cat` through a protocol client: bytes and newlines between the markers. */
export async function throughputWsRound(system, corpus, { timeoutMs }) {
  const client = system.client();
  await client.ready;
  await sleep(200);
  const skips0 = client.snapshots ?? 0;
  const BEGIN = '\x1b]7777;BEGIN\x07';
  const END = '\x1b]7777;END\x07';
  let state = 'before';
  let carry = '';
  let lf = 0;
  let tEnd = null;
  const done = new Promise((resolve) => {
    client.onData = (buf) => {
      if (state === 'done') return;
      const base = carry.length;
      const text = carry + buf.toString('latin1');
      let from = base;
      if (state === 'before') {
        const i = text.indexOf(BEGIN);
        if (i < 0) {
          carry = text.slice(-32);
          return;
        }
        state = 'in';
        from = i + BEGIN.length;
      }
      const j = text.indexOf(END, Math.max(0, from - END.length));
      const stop = j < 0 ? text.length : j;
      for (let k = from; k < stop; k++) if (text.charCodeAt(k) === 10) lf++;
      if (j >= 0) {
        state = 'done';
        tEnd = performance.now();
        resolve();
      }
      carry = text.slice(-32);
    };
  });
  const meter = cpuMeter(groups(system, false));
  const t0 = performance.now();
  client.write(`cat ${corpus.path}\r`);
  const ok = await Promise.race([done.then(() => true), sleep(timeoutMs).then(() => false)]);
  const cpu = meter.stop();
  client.write('\x03');
  await sleep(100);
  client.close();
  if (!ok) return { finished: false, lines: lf, expected: corpus.lines - 1 };
  const seconds = (tEnd - t0) / 1000;
  return { finished: true, seconds, mbps: corpus.bytes / 1e6 / seconds, lines: lf, expected: corpus.lines - 1, skips: (client.snapshots ?? 0) - skips0, cpu };
}

/** Ceiling: the corpus (with the PTY's \r\n) written straight into the page's xterm. */
export async function ceilingRound(browser, system, corpus, { timeoutMs }) {
  const { page, context, renderer } = await openTerminal(browser, system);
  try {
    const r = await page.evaluate(
      async ({ mixedSrc, corpusSrc, lines, timeoutMs }) => {
        const mixedLine = new Function(`return (${mixedSrc})`)();
        const corpusLine = new Function('mixedLine', `return (${corpusSrc})`)(mixedLine);
        const chunks = [];
        let parts = [];
        let len = 0;
        for (let i = 0; i < lines; i++) {
          const s = corpusLine(i, lines) + '\r\n';
          parts.push(s);
          len += s.length;
          if (len >= 65536 || i === lines - 1) {
            chunks.push(parts.join(''));
            parts = [];
            len = 0;
          }
        }
        const b = window.__bench;
        b.resetMarks();
        const t = b.term();
        const t0 = performance.now();
        for (const c of chunks) t.write(c);
        const end = await b.waitMark('END', timeoutMs);
        if (!end) return null;
        return { seconds: (end.t - t0) / 1000, lines: end.lf - b.marks.BEGIN.lf };
      },
      { mixedSrc: mixedLine.toString(), corpusSrc: corpusLine.toString(), lines: corpus.lines, timeoutMs },
    );
    if (!r) return { finished: false, renderer };
    return { finished: true, renderer, seconds: r.seconds, mbps: corpus.bytes / 1e6 / r.seconds, lines: r.lines, expected: corpus.lines - 1 };
  } finally {
    await context.close();
  }
}
