// Copy and paste from the guest's side: a paste cannot break out of bracketed
// paste, a long paste asks first, OSC 52 may write the clipboard but never read it.
import { expectScreen, expect, freshHost, mintUrl, openLive, paste, screenText, test, typeInTerminal } from './fixtures.js';


test('a pasted ESC[201~ cannot end bracketed paste early', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  // Bracketed paste on in the terminal, then cat -v shows exactly what a paste sends.
  await typeInTerminal(page, "stty -echo; printf '\\e[?2004h'; cat -v; stty echo\n");
  await page.waitForTimeout(300);
  await paste(page, 'a\x1b[201~b\x1b[200~c\x1b[20\x1b[201~1~d\n');
  await page.keyboard.press('Enter');
  await expectScreen(page, /^\^\[\[201~$/m);
  const text = await screenText(page);
  expect(text).toMatch(/^\^\[\[200~abcd$/m); // one opening marker, the text, no marker inside
  expect(text.match(/\^\[\[201~/g)).toHaveLength(1); // one closing marker: the real one
  await page.keyboard.press('Control+c');
});

test('a long multi-line paste asks first; cancel sends nothing, confirm sends it all', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'cat\n');
  await page.waitForTimeout(300);
  const lines = Array.from({ length: 8 }, (_, i) => `PASTED-LINE-${i + 1}`).join('\n') + '\n';
  await paste(page, lines);
  const dialog = page.getByTestId('paste-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Paste 8 lines?');
  await expect(dialog).toContainText('PASTED-LINE-1');
  await page.getByTestId('paste-cancel').click();
  await expect(dialog).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(await screenText(page)).not.toContain('PASTED-LINE-1');

  await paste(page, lines);
  await page.getByTestId('paste-confirm').click();
  await expectScreen(page, /^PASTED-LINE-8$/m);
  // Focus went back to the terminal: keys typed now reach the shell.
  await page.keyboard.press('Control+c');
  await typeInTerminal(page, 'echo after-paste\n');
  await expectScreen(page, /^after-paste$/m);

  // A short paste goes straight through.
  await paste(page, 'echo short-paste');
  await page.keyboard.press('Enter');
  await expectScreen(page, /^short-paste$/m);
});

test('OSC 52: a program may write the clipboard; a read request gets nothing', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  await openLive(page, url);
  await typeInTerminal(page, "printf '\\e]52;c;%s\\a' \"$(printf 'copied-by-tmux 中文' | base64)\"; echo osc52-sent\n");
  await expectScreen(page, /^osc52-sent$/m);
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('copied-by-tmux 中文');
  await expect(page.getByTestId('toast')).toContainText(/copied .* to your clipboard/);

  // The guest's own clipboard holds something private; the remote asks for it.
  await page.evaluate(() => navigator.clipboard.writeText('guest-private-secret'));
  await page.locator('.xterm-helper-textarea').focus();
  // Whatever the terminal answers arrives as input: capture 2 s of it, byte for byte.
  await typeInTerminal(page, "f=$(mktemp); stty raw -echo; printf '\\e]52;c;?\\a'; timeout 2 cat -v > $f; stty sane; echo \"READ=[$(cat $f)]\"\n");
  await expectScreen(page, /^READ=\[.*\]$/m, 10_000);
  expect(await screenText(page)).toMatch(/^READ=\[\]$/m);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('guest-private-secret');
});

test('Ctrl+Shift+C copies the selection; select-to-copy fills the clipboard', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  await openLive(page, url);
  await typeInTerminal(page, 'echo select-me-please\n');
  await expectScreen(page, /^select-me-please$/m);
  const box = (await page.locator('.xterm-rows').getByText('select-me-please', { exact: true }).boundingBox())!;
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('select-me-please');
  await page.evaluate(() => navigator.clipboard.writeText('overwritten'));
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('select-me-please');
});
