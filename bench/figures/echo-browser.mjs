// Figure 1: key press in Chromium → echoed character in xterm's buffer.
// Timed inside the page: a capturing keydown listener stamps performance.now();
// onWriteParsed resolves when the cursor line reads prompt + everything typed.
import { openTerminal } from '../lib/browser.mjs';
import { PROMPT } from '../lib/systems.mjs';
import { sleep } from '../lib/stats.mjs';

const CHARS = 'abcdefghijklmnopqrstuvwxyz';

export async function echoBrowserRound(browser, system, { samples, gapMs = 30 }) {
  const { page, context, renderer } = await openTerminal(browser, system);
  const latencies = [];
  let timeouts = 0;
  try {
    let typed = '';
    for (let i = 0; i < samples; i++) {
      if (typed.length >= 40) {
        await page.keyboard.press('Control+U');
        await page.evaluate((p) => window.__bench.waitLine(p, 5000), PROMPT.trimEnd());
        typed = '';
        await sleep(100);
      }
      const c = CHARS[i % CHARS.length];
      typed += c;
      await page.evaluate((line) => {
        window.__bench.pending = window.__bench.waitLine(line, 5000);
      }, PROMPT + typed);
      await page.keyboard.press(c);
      const ms = await page.evaluate(async () => {
        const t = await window.__bench.pending;
        return t === null ? null : t - window.__bench.lastKeydown;
      });
      if (ms === null) {
        timeouts++;
        // resynchronise: clear the line and start again
        await page.keyboard.press('Control+U');
        await page.evaluate((p) => window.__bench.waitLine(p, 5000), PROMPT.trimEnd());
        typed = '';
      } else latencies.push(ms);
      await sleep(gapMs);
    }
    await page.keyboard.press('Control+U');
  } finally {
    await context.close();
  }
  return { latencies, timeouts, renderer };
}
