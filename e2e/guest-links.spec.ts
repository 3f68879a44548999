// Links printed by the remote shell: OSC 8 to javascript: is not a link at all;
// an http(s) link shows its real target before anything opens, then opens
// in a new tab without opener.
import type { Page } from '@playwright/test';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

async function clickText(page: Page, text: string): Promise<void> {
  const target = page.locator('.xterm-rows').getByText(text, { exact: true });
  await target.hover();
  await page.waitForTimeout(300); // xterm finds links on hover
  await target.click();
}

test('an OSC 8 link to javascript: never opens or navigates', async ({ page, env }) => {
  const host = await freshHost(env);
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  let popups = 0;
  page.context().on('page', () => popups++);
  await openLive(page, (await mintUrl(env, host)).url);
  const before = page.url();
  await typeInTerminal(page, "printf '\\e]8;;javascript:alert(1)\\aJSLINK\\e]8;;\\a \\e]8;;data:text/html,x\\aDATALINK\\e]8;;\\a\\n'\n");
  await expectScreen(page, /^JSLINK DATALINK$/m);
  await clickText(page, 'JSLINK DATALINK');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('link-dialog')).toHaveCount(0);
  expect(page.url()).toBe(before);
  expect(dialogs).toBe(0);
  expect(popups).toBe(0);
});

test('an OSC 8 link shows its real target first and opens only when confirmed', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, "printf '\\e]8;;https://real-target.invalid/path?q=1\\ahttps://looks-safe.invalid\\e]8;;\\a\\n'\n");
  await expectScreen(page, /^https:\/\/looks-safe\.invalid$/m);
  const label = page.locator('.xterm-rows').getByText('https://looks-safe.invalid', { exact: true });
  await label.hover();
  await expect(page.getByTestId('link-hint')).toHaveText('https://real-target.invalid/path?q=1');
  await clickText(page, 'https://looks-safe.invalid');
  const dialog = page.getByTestId('link-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('link-url')).toHaveText('https://real-target.invalid/path?q=1');
  await page.getByTestId('link-cancel').click();
  await expect(dialog).toHaveCount(0);

  await clickText(page, 'https://looks-safe.invalid');
  const popup = page.context().waitForEvent('page');
  await page.getByTestId('link-confirm').click();
  const opened = await popup;
  expect(await opened.evaluate(() => window.opener)).toBeNull();
  await expect.poll(() => opened.url()).toContain('real-target.invalid');
  await opened.close();
});
