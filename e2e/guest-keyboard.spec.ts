// C4 and the keyboard of a native terminal: Ctrl+W reaches the shell as 0x17,
// the leave-page guard is armed, Ctrl+Space / Alt / function keys arrive as
// bytes, and read-only links take no input at all.
import { expectScreen, expect, freshHost, mintUrl, openLive, screenText, test, typeInTerminal } from './fixtures.js';

test('C4: Ctrl+W, Ctrl+Space, Alt+b and F5 reach the shell as bytes (cat -v)', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  // Non-canonical, no echo: the tty's own Ctrl+W (word erase) stays out of the way and cat shows every byte.
  await typeInTerminal(page, 'stty -icanon -echo; cat -v; stty sane\n');
  await page.waitForTimeout(200);
  await page.keyboard.type('w:');
  await page.keyboard.press('Control+w');
  await page.keyboard.type(' t:');
  await page.keyboard.press('Control+t');
  await page.keyboard.type(' n:');
  await page.keyboard.press('Control+n');
  await page.keyboard.type(' nul:');
  await page.keyboard.press('Control+Space');
  await page.keyboard.type(' alt:');
  await page.keyboard.press('Alt+b');
  await page.keyboard.type(' f5:');
  await page.keyboard.press('F5');
  await page.keyboard.press('Enter');
  await expectScreen(page, /^w:\^W t:\^T n:\^N nul:\^@ alt:\^\[b f5:\^\[\[15~$/m);
  expect(page.url()).toContain('/share/'); // still here: nothing closed or reloaded the tab
  await page.keyboard.press('Control+c');
});

test('C4: leaving a live session asks first', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'echo armed\n'); // Chromium asks only after the person interacted
  await expectScreen(page, /^armed$/m);
  const dialog = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const asked = await dialog;
  expect(asked.type()).toBe('beforeunload');
  await asked.accept();
});

test('a view-only link says so and nothing typed or pasted reaches the shell', async ({ browser, env }) => {
  const host = await freshHost(env);
  const writer = await browser.newPage();
  const viewer = await browser.newPage();
  await openLive(writer, (await mintUrl(env, host)).url);
  await openLive(viewer, (await mintUrl(env, host, { read_only: true })).url);
  await expect(viewer.getByTestId('view-only')).toHaveText(/view only/i);
  await expect(viewer.getByTestId('key-bar')).toHaveCount(0);
  await typeInTerminal(viewer, 'echo from-viewer-$((3*3))\n');
  await expect(viewer.getByTestId('toast')).toContainText(/view only/i);
  await viewer.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'echo pasted-by-viewer\n');
    document.querySelector('.xterm-helper-textarea')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await typeInTerminal(writer, 'echo writer-$((2*2))\n');
  await expectScreen(viewer, /^writer-4$/m); // the viewer watches live output
  await writer.waitForTimeout(300);
  for (const page of [writer, viewer]) {
    const text = await screenText(page);
    expect(text).not.toContain('from-viewer');
    expect(text).not.toContain('pasted-by-viewer');
  }
  await Promise.all([writer.close(), viewer.close()]);
});
