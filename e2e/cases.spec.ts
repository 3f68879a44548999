// Field cases from ../shared/cases replayed in Chromium; each right value is the assertion.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { expectScreen, expect, freshHost, mintUrl, openLive, paste, screenText, test, typeInTerminal } from './fixtures.js';

test('C1: a UTF-8 character split between two reads renders whole', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, "printf '\\xe4\\xb8'; sleep 0.5; printf '\\xad\\xe6\\x96\\x87\\n'; printf '\\xf0\\x9f'; sleep 0.5; printf '\\x99\\x82 ok\\n'\n");
  await expectScreen(page, /🙂 ok/);
  const text = await screenText(page);
  expect(text).toContain('中文');
  expect(text).not.toContain('\ufffd');
  // Then a burst of 100 000 box-drawing, CJK and emoji characters; the socket stays open.
  await typeInTerminal(page, "python3 -c \"import sys; sys.stdout.write(('─│┌中文🙂' * 14286)[:100000] + '\\nBURST-END\\n')\"\n");
  await expectScreen(page, /^BURST-END$/m, 20_000);
  expect(await screenText(page)).not.toContain('\ufffd');
  await typeInTerminal(page, 'echo still-open\n');
  await expectScreen(page, /^still-open$/m);
});

test('C5: a hostile title is shown as plain text and runs no script', async ({ page, env }) => {
  const host = await freshHost(env);
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, "printf '\\e]0;<img src=x onerror=alert(1)>\\a'; echo title-set\n");
  await expectScreen(page, /^title-set$/m);
  await expect.poll(() => page.title()).toContain('<img src=x onerror=alert(1)>');
  await typeInTerminal(page, "printf '\\e]2;a\\x01b\\x7fc\\a'; echo ctl-set\n");
  await expectScreen(page, /^ctl-set$/m);
  await expect.poll(() => page.title()).toContain('abc');
  await typeInTerminal(page, "printf '\\e]0;%s\\a' $(printf 'x%.0s' $(seq 1 5000)); echo long-set\n");
  await expectScreen(page, /^long-set$/m);
  expect((await page.title()).length).toBeLessThanOrEqual(200);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(dialogs).toBe(0);
});

test('C7: joining while a full-screen program runs shows its screen at once', async ({ browser, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  const a = await browser.newPage();
  await openLive(a, url);
  await typeInTerminal(a, "printf '\\e[?1049h\\e[2J\\e[3;5HFULL-SCREEN-APP\\e[10;5Hsecond line'; sleep 60\n");
  await expectScreen(a, 'FULL-SCREEN-APP');
  const b = await browser.newPage();
  await b.goto(url);
  await expectScreen(b, 'FULL-SCREEN-APP', 5000);
  const lines = (await screenText(b)).split('\n');
  expect(lines[2]).toBe('    FULL-SCREEN-APP');
  expect(lines[9]).toBe('    second line');
  const alternate = await b.evaluate(() => (window as unknown as { termlink: { bufferType?(): string } }).termlink.bufferType?.());
  if (alternate !== undefined) expect(alternate).toBe('alternate');
  await typeInTerminal(a, '\x03');
  await Promise.all([a.close(), b.close()]);
});

test('C8: the very first `stty size` equals the page\'s rows and columns', async ({ page, env }) => {
  const host = await freshHost(env);
  await page.setViewportSize({ width: 1600, height: 900 });
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'stty size\n');
  await expectScreen(page, /^\d+ \d+$/m);
  const [rows, cols] = /^(\d+) (\d+)$/m.exec(await screenText(page))!.slice(1).map(Number);
  const grid = await page.evaluate(() => (window as unknown as { termlink: { grid?(): { cols: number; rows: number } } }).termlink.grid?.());
  if (grid) expect({ cols, rows }).toEqual(grid);
  expect(cols).toBeGreaterThan(120);
  expect(rows).toBeGreaterThan(30);
});

for (const size of [1024, 64 * 1024, 1024 * 1024]) {
  test(`C3: a ${size / 1024} KB paste arrives byte-identical`, async ({ page, env }) => {
    test.setTimeout(90_000);
    const host = await freshHost(env);
    const file = `/tmp/termlink-e2e-paste-${process.pid}-${size}`;
    rmSync(file, { force: true });
    await openLive(page, (await mintUrl(env, host)).url);
    await typeInTerminal(page, `stty -echo; cat > ${file}; stty echo; echo PASTED-$((${size}/1024))K\n`);
    await page.waitForTimeout(300);
    let text = '';
    for (let i = 0; text.length < size; i++) text += `${String(i).padStart(6, '0')} ${'0123456789'.repeat(10)}`.slice(0, 99) + '\n';
    text = text.slice(0, size - 1) + '\n'; // a whole last line, so one Ctrl-D ends cat
    await paste(page, text);
    // A long multi-line paste may ask for confirmation first.
    const confirm = page.getByTestId('paste-confirm');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+D');
    await expectScreen(page, `PASTED-${size / 1024}K`, 60_000);
    const got = readFileSync(file, 'utf8');
    expect(got.length).toBe(size);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    rmSync(file, { force: true });
  });
}
