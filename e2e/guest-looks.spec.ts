// Looks and phones: the font size is remembered, the theme follows the system,
// software WebGL is not used, and a phone gets a key bar with sticky Ctrl.
import { devices } from '@playwright/test';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

test('the font size is remembered by this browser', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  await openLive(page, url);
  await page.getByTestId('menu-button').click();
  await page.getByRole('button', { name: 'Larger font' }).click();
  await page.getByRole('button', { name: 'Larger font' }).click();
  await expect(page.getByTestId('font-size')).toHaveText('16px');
  page.on('dialog', (dialog) => void dialog.accept()); // the leave guard
  await page.reload();
  await expectScreen(page, 'tl$');
  await page.getByTestId('menu-button').click();
  await expect(page.getByTestId('font-size')).toHaveText('16px');
});

test('the theme follows the system, and a choice overrides it', async ({ page, env }) => {
  const host = await freshHost(env);
  await page.emulateMedia({ colorScheme: 'light' });
  await openLive(page, (await mintUrl(env, host)).url);
  const background = () => page.evaluate(() => getComputedStyle(document.querySelector('.xterm-scrollable-element')!).backgroundColor);
  await expect.poll(background).toBe('rgb(251, 251, 250)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(background).toBe('rgb(20, 22, 26)');
  await page.getByTestId('menu-button').click();
  await page.getByLabel('Light').check();
  await expect.poll(background).toBe('rgb(251, 251, 250)');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('software WebGL is skipped in favour of the DOM renderer', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  const gpu = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'none';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  });
  const renderer = await page.evaluate(() => (window as unknown as { termlink: { renderer?(): string } }).termlink.renderer?.());
  if (gpu === 'none' || /swiftshader|llvmpipe|software/i.test(gpu)) expect(renderer).toBe('dom');
  else test.info().annotations.push({ type: 'gpu', description: `${gpu}: ${renderer}` });
});

test.describe('on a phone', () => {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices['Pixel 7'];
  test.use({ viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

  test('the key bar sends Esc, arrows and sticky Ctrl', async ({ page, env }) => {
    const host = await freshHost(env);
    await openLive(page, (await mintUrl(env, host)).url);
    const bar = page.getByTestId('key-bar');
    await expect(bar).toBeVisible();
    await typeInTerminal(page, 'cat -v\n');
    await page.waitForTimeout(200);
    await page.keyboard.type('k:');
    await page.getByTestId('key-ctrl').tap();
    await expect(page.getByTestId('key-ctrl')).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.type('x');
    await expect(page.getByTestId('key-ctrl')).toHaveAttribute('aria-pressed', 'false');
    await page.getByTestId('key-escape').tap();
    await page.getByTestId('key-pipe').tap();
    await page.getByTestId('key-up-arrow').tap();
    await page.keyboard.press('Enter');
    await expectScreen(page, /^k:\^X\^\[\|\^\[\[A$/m);
    await expect(page.locator('.xterm-helper-textarea')).toBeFocused(); // the soft keyboard stays up
  });
});
