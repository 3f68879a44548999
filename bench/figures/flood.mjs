// Figure 4: Ctrl-C during a flood (`yes`, and `cat` of a big file). Timed in Node
// (one clock) from the Ctrl-C key press until the page's cursor line is the
// prompt again; meanwhile a page.evaluate round trip every 100 ms shows whether
// the page stayed responsive.
import { openTerminal, runCommand } from '../lib/browser.mjs';
import { PROMPT } from '../lib/systems.mjs';
import { sleep } from '../lib/stats.mjs';

export async function floodRound(browser, system, command, { floodMs = 2000, timeoutMs = 60000 }) {
  const { page, context, renderer } = await openTerminal(browser, system);
  try {
    await runCommand(page, command);
    const rtts = [];
    const floodEnd = performance.now() + floodMs;
    while (performance.now() < floodEnd) {
      const t = performance.now();
      await page.evaluate(() => 1);
      rtts.push(performance.now() - t);
      await sleep(100);
    }
    const t0 = performance.now();
    await page.keyboard.press('Control+C');
    const tPrompt = await page.evaluate((p) => window.__bench.waitLine(p, 60000), PROMPT.trimEnd());
    const t1 = performance.now();
    // page-side view of the same interval: Ctrl-C keydown → prompt parsed
    const inPage = tPrompt === null ? null : await page.evaluate((tp) => tp - window.__bench.lastKeydown, tPrompt);
    // is it a steady prompt (not a passing line of output)? check again after 300 ms
    await sleep(300);
    const still = await page.evaluate(() => window.__bench.cursorLine());
    return {
      finished: tPrompt !== null,
      renderer,
      ms: tPrompt === null ? null : t1 - t0,
      inPageMs: inPage,
      steady: still === PROMPT.trimEnd(),
      maxRtt: Math.max(...rtts),
      medianRtt: rtts.sort((a, b) => a - b)[Math.floor(rtts.length / 2)],
    };
  } finally {
    await context.close();
    if (system.name === 'termlink') await recoverTermlink(system);
  }
}

/** The termlink shell outlives the page: make sure it is back at a prompt. */
export async function recoverTermlink(system) {
  const c = system.client();
  try {
    await c.ready;
    let seen = '';
    c.onData = (b) => (seen = (seen + b.toString('utf8')).slice(-2000));
    for (let i = 0; i < 20; i++) {
      c.write('\x03');
      await sleep(300);
      if (seen.endsWith(PROMPT)) break;
    }
  } catch {
  } finally {
    c.close();
  }
}
