// Accessibility: axe-core finds no serious or critical violation on any page
// state a guest can reach, and everything outside the terminal works by keyboard.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${state}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

for (const scheme of ['dark', 'light'] as const) {
  test(`axe: every page state has no serious violations (${scheme})`, async ({ page, env }) => {
    test.setTimeout(90_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${env.relay.url}/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    await expect(page.getByTestId('page-problem')).toBeVisible();
    await expectNoSeriousViolations(page, 'problem');

    const locked = await freshHost(env, { password: 'hunter2hunter2' });
    await page.goto((await mintUrl(env, locked)).url);
    await expect(page.getByTestId('page-password')).toBeVisible();
    await expectNoSeriousViolations(page, 'password');

    const host = await freshHost(env);
    const { url, token } = await mintUrl(env, host);
    await openLive(page, url);
    await typeInTerminal(page, "printf '\\e[31mred \\e[34mblue \\e[33myellow\\e[0m\\n'\n");
    await expectScreen(page, /^red blue yellow$/m);
    await expectNoSeriousViolations(page, 'live');
    await page.getByTestId('menu-button').click();
    await expect(page.getByTestId('menu-panel')).toBeVisible();
    await expectNoSeriousViolations(page, 'menu');
    await page.keyboard.press('Escape');

    await env.api('DELETE', `/api/shares/${token}`);
    await expect(page.getByTestId('banner-ended')).toBeVisible();
    await expectNoSeriousViolations(page, 'ended');
  });
}

test('the menu works by keyboard alone and screen-reader mode can be switched on', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await page.getByTestId('menu-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('menu-panel')).toBeVisible();
  await page.getByTestId('screen-reader').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('screen-reader')).toBeChecked();
  await expect(page.locator('.xterm-accessibility')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('menu-panel')).toHaveCount(0);
  await expect(page.getByTestId('menu-button')).toBeFocused();
});
