// C6 and liveness: the network between browser and relay drops or stalls; the
// page says so, comes back on its own, and the shell's output has no gap and no duplicate.
import { FaultProxy } from '../src/testing/faultProxy.js';
import { expectScreen, expect, freshHost, mintUrl, openLive, screenText, test, typeInTerminal } from './fixtures.js';
import type { Page } from '@playwright/test';

/** Every line the page's terminal holds (scrollback included). */
function allLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { termlink: { allText?(): string; screenText(): string } }).termlink;
    return (hooks.allText?.() ?? hooks.screenText()).split('\n');
  });
}

function ticks(lines: string[]): number[] {
  return lines.map((l) => /^tick (\d+)$/.exec(l.trimEnd())).filter((m) => m !== null).map((m) => Number(m![1]));
}

test('C6: a dropped connection comes back by itself: same shell, contiguous output', async ({ page, env }) => {
  test.setTimeout(60_000);
  const host = await freshHost(env);
  const proxy = await new FaultProxy(env.relay.port).start();
  const { url } = await mintUrl(env, host);
  try {
    await openLive(page, url.replace(env.relay.url, proxy.url));
    await typeInTerminal(page, 'echo PID=$$; for i in $(seq 1 80); do echo "tick $i"; sleep 0.1; done\n');
    await expectScreen(page, /^tick 5$/m);
    const pid = /PID=(\d+)/.exec(await screenText(page))![1];
    proxy.cut();
    await expect(page.getByTestId('banner-reconnecting')).toBeVisible();
    await page.waitForTimeout(3000);
    proxy.restore();
    await expect(page.getByTestId('banner-reconnecting')).toBeHidden({ timeout: 15_000 });
    await expectScreen(page, /^tick 80$/m, 20_000);
    expect(ticks(await allLines(page))).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    await typeInTerminal(page, 'echo PID=$$\n');
    await expect.poll(async () => (await screenText(page)).split(`PID=${pid}`).length).toBeGreaterThanOrEqual(2);
  } finally {
    await proxy.close();
  }
});

test('a silently stalled (half-open) connection is detected and replaced', async ({ page, env }) => {
  test.setTimeout(90_000);
  const host = await freshHost(env);
  const proxy = await new FaultProxy(env.relay.port).start();
  const { url } = await mintUrl(env, host);
  try {
    await openLive(page, url.replace(env.relay.url, proxy.url));
    proxy.stall();
    await typeInTerminal(page, 'echo during-stall\n'); // sent into the void or refused; never duplicated
    await expect(page.getByTestId('banner-reconnecting')).toBeVisible({ timeout: 40_000 });
    proxy.restore();
    await expect(page.getByTestId('banner-reconnecting')).toBeHidden({ timeout: 20_000 });
    await typeInTerminal(page, 'echo after-stall-$((3+4))\n');
    await expectScreen(page, /^after-stall-7$/m);
  } finally {
    await proxy.close();
  }
});
