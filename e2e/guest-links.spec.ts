// Links printed by the remote shell: OSC 8 to javascript: is not a link at all;
// an http(s) link shows its real target before anything opens, then opens
// in a new tab without opener.
import type { Page } from '@playwright/test';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

/** The terminal's text is under xterm's screen layer: point at it by position. */
async function hoverText(page: Page, text: string): Promise<void> {
  const box = (await page.locator('.xterm-rows').getByText(text, { exact: true }).boundingBox())!;
  await page.mouse.move(box.x + 4, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(300); // xterm finds links on hover
}

async function clickText(page: Page, text: string): Promise<void> {
  await hoverText(page, text);
  await page.mouse.down();
  await page.mouse.up();
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
  await hoverText(page, 'https://looks-safe.invalid');
  await expect(page.getByTestId('link-hint')).toHaveText('https://real-target.invalid/path?q=1');
  await clickText(page, 'https://looks-safe.invalid');
  const dialog = page.getByTestId('link-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('link-url')).toHaveText('https://real-target.invalid/path?q=1');
  await page.getByTestId('link-cancel').click();
  await expect(dialog).toHaveCount(0);

  let referer: string | undefined = 'not requested';
  await page.context().route('https://real-target.invalid/**', (route) => {
    referer = route.request().headers().referer;
    return route.fulfill({ contentType: 'text/plain', body: 'the real target' });
  });
  await clickText(page, 'https://looks-safe.invalid');
  const popup = page.context().waitForEvent('page');
  await page.getByTestId('link-confirm').click();
  const opened = await popup;
  expect(await opened.evaluate(() => window.opener)).toBeNull();
  await expect.poll(() => opened.url()).toBe('https://real-target.invalid/path?q=1');
  expect(referer).toBeUndefined(); // noreferrer: the share URL (the token) never leaks
  await opened.close();
});
