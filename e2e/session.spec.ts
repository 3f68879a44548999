// Shared sessions that stay right, in Chromium: one grid for everyone, presence,
// floods, shell exit, agent outages and relay restarts.
import type { Page } from '@playwright/test';
import { TestViewer } from '../src/testing/harness.js';
import { expectScreen, expect, freshHost, mintUrl, openLive, screenText, test, typeInTerminal } from './fixtures.js';

const grid = (page: Page) => page.evaluate(() => (window as unknown as { termlink: { grid(): { cols: number; rows: number } } }).termlink.grid());
const allText = (page: Page) => page.evaluate(() => (window as unknown as { termlink: { allText(): string } }).termlink.allText());

test('two windows of different sizes render the same PTY grid; the last to type sets it', async ({ browser, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  const big = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const small = await browser.newPage({ viewport: { width: 700, height: 500 } });
  await openLive(big, url);
  await openLive(small, url);
  await typeInTerminal(small, 'stty size\n');
  await expectScreen(small, /^\d+ \d+$/m);
  await expect.poll(async () => JSON.stringify(await grid(big))).toBe(JSON.stringify(await grid(small)));
  const smallGrid = await grid(small);
  await typeInTerminal(big, 'clear; stty size\n');
  await expect.poll(async () => (await grid(small)).cols).toBeGreaterThan(smallGrid.cols);
  const bigGrid = await grid(big);
  await expectScreen(small, `${bigGrid.rows} ${bigGrid.cols}`);
  expect(await grid(small)).toEqual(bigGrid); // the small window shows the big grid (scrollable), never rewrapped
  await Promise.all([big.close(), small.close()]);
});

test('a grid set by someone else stays when only this page\'s layout changes; "use my window size" takes it back', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  const own = await grid(page);
  const operator = new TestViewer(env.relay.url, { kind: 'operator', key: env.operatorKey, machine: host }, { cols: 90, rows: 20 });
  await operator.untilMessage('attached');
  operator.sendJson({ type: 'resize', cols: 90, rows: 20 });
  await expect.poll(() => grid(page)).toEqual({ cols: 90, rows: 20 });
  // Presence changes, a toast and the status bar reflowing must not look like a window resize.
  operator.close();
  await expect(page.getByTestId('toast')).toContainText(/left/i);
  await page.waitForTimeout(600);
  expect(await grid(page)).toEqual({ cols: 90, rows: 20 });
  await page.getByTestId('menu-button').click();
  await page.getByTestId('use-my-size').click();
  await expect.poll(() => grid(page)).toEqual(own);
});

test('presence: the count and a short notice when someone joins or leaves', async ({ browser, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  const a = await browser.newPage();
  await openLive(a, url);
  await expect(a.getByTestId('presence-count')).toContainText('1');
  const b = await browser.newPage();
  await openLive(b, url);
  await expect(a.getByTestId('presence-count')).toContainText('2');
  await expect(a.getByTestId('toast')).toContainText(/joined/i);
  await b.close();
  await expect(a.getByTestId('presence-count')).toContainText('1');
  await expect(a.getByTestId('toast')).toContainText(/left/i);
  await a.close();
});

test('C2: Ctrl-C during `yes` brings the prompt back and the page stays responsive', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'yes flood-line\n');
  await expectScreen(page, 'flood-line');
  await page.waitForTimeout(2000);
  const pressed = Date.now();
  await page.keyboard.press('Control+C');
  await typeInTerminal(page, 'echo back-$((40+2))\n');
  await expectScreen(page, /^back-42$/m, 15_000);
  test.info().annotations.push({ type: 'ctrl-c-to-echo-ms', description: String(Date.now() - pressed) });
});

test('wide and combining characters line up with the shell', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, "printf '中文字|\\n🙂🙂|\\nabcdef|\\ne\\xcc\\x81e\\xcc\\x81|\\n'\n");
  await expectScreen(page, /^abcdef\|$/m);
  const lines = (await screenText(page)).split('\n');
  const col = (needle: string) => {
    const line = lines.find((l) => l.startsWith(needle))!;
    return line;
  };
  // Each wide character takes two cells: the bar sits in the same column (6) on the first three lines.
  expect(col('中文字')).toBe('中文字|');
  expect(col('🙂🙂')).toBe('🙂🙂|');
  // Combining accents join their base character: two cells, then the bar.
  expect(lines.find((l) => l.startsWith('e\u0301'))?.normalize('NFC')).toBe('éé|');
});

test('shell exit: everyone sees "session ended" and can start a new one', async ({ browser, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await openLive(a, url);
  await openLive(b, url);
  await typeInTerminal(a, 'echo last-words; exit\n');
  for (const page of [a, b]) {
    await expect(page.getByTestId('banner-ended')).toHaveAttribute('data-reason', 'shell_exited');
    await expectScreen(page, 'last-words');
  }
  await b.getByTestId('restart-session').click();
  await expect(b.getByTestId('banner-ended')).toBeHidden();
  await typeInTerminal(b, 'echo reborn-$((1+1))\n');
  await expectScreen(b, /^reborn-2$/m);
  await Promise.all([a.close(), b.close()]);
});

test('agent offline: the page says so and attaches by itself when it is back', async ({ page, env }) => {
  const hostname = `e2e-offline-${process.pid}`;
  const { agent } = await env.startAgent({ hostname });
  await openLive(page, (await mintUrl(env, hostname)).url);
  await agent.stop();
  await expect(page.getByTestId('banner-offline')).toBeVisible();
  await env.startAgent({ hostname });
  await expect(page.getByTestId('banner-offline')).toBeHidden({ timeout: 15_000 });
  await expectScreen(page, 'tl$');
  await typeInTerminal(page, 'echo agent-back-$((2+2))\n');
  await expectScreen(page, /^agent-back-4$/m);
});

test('a relay restart: the page reconnects to the same shell with no gap and no duplicate', async ({ page, env }) => {
  test.setTimeout(60_000);
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'echo PID=$$; for i in $(seq 1 60); do echo "tick $i"; sleep 0.1; done\n');
  await expectScreen(page, /^tick 5$/m);
  const pid = /PID=(\d+)/.exec(await screenText(page))![1];
  const restarted = Date.now();
  await env.restartRelay();
  await expectScreen(page, /^tick 60$/m, 30_000);
  test.info().annotations.push({ type: 'relay-restart-to-tick-60-ms', description: String(Date.now() - restarted) });
  const ticks = (await allText(page)).split('\n').map((l) => /^tick (\d+)$/.exec(l.trimEnd())?.[1]).filter(Boolean).map(Number);
  expect(ticks).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  await typeInTerminal(page, 'echo PID=$$\n');
  await expect.poll(async () => (await screenText(page)).split(`PID=${pid}`).length).toBeGreaterThanOrEqual(2);
});
