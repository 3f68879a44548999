// Text that arrives through composition (IME, soft keyboards) reaches the shell
// exactly once: Chromium's own IME path is driven over CDP (Input.imeSetComposition,
// Input.insertText) into xterm's focused textarea, and the shell side records what
// it received in a file, so a duplicated, lost or altered byte shows.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'termlink-ime-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

let captures = 0;
/** Typed on the keyboard after the IME input: the stream is ordered, so once it is in the file, everything before it is too. */
const END = '#END';

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

async function openTerminal(page: Page, env: Parameters<typeof freshHost>[0]): Promise<CDPSession> {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  return page.context().newCDPSession(page);
}

/**
 * Every byte the shell is sent, as sent: no line editing, no echo, `cat` into a file.
 * Returns a function that types END and answers the bytes received before it.
 */
async function captureRawBytes(page: Page): Promise<() => Promise<Buffer>> {
  const n = ++captures;
  const file = join(dir, `raw-${n}`);
  await typeInTerminal(page, `stty -icanon -echo; echo ready-$((${n}*1000+1)); cat > ${file}\n`);
  await expectScreen(page, new RegExp(`^ready-${n * 1000 + 1}$`, 'm'));
  return async () => {
    await page.keyboard.type(END);
    await expect
      .poll(() => (existsSync(file) ? readFileSync(file, 'utf8').endsWith(END) : false), { message: `${END} reached the shell` })
      .toBe(true);
    await page.keyboard.press('Control+c');
    const bytes = readFileSync(file);
    return bytes.subarray(0, bytes.length - END.length);
  };
}

/** Exactly these bytes, no more, no fewer (hex and text both shown on a mismatch). */
function expectBytes(received: Buffer, expected: string): void {
  expect({ text: received.toString('utf8'), hex: hex(received) }).toEqual({ text: expected, hex: hex(Buffer.from(expected, 'utf8')) });
}

/** Composition updates as an IME sends them while a person types, then the commit. */
async function compose(cdp: CDPSession, updates: string[], commit: string): Promise<void> {
  for (const text of updates) await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  await cdp.send('Input.insertText', { text: commit });
}

test('Japanese and Chinese compositions reach the shell once each, as committed', async ({ page, env }) => {
  const cdp = await openTerminal(page, env);
  const received = await captureRawBytes(page);
  // Japanese (romaji → kana → kanji): nihongo → 日本語, then a second word.
  await compose(cdp, ['n', 'に', 'にh', 'にほ', 'にほn', 'にほんg', 'にほんご', '日本語'], '日本語');
  // While composing, the text is shown at the cursor (the composition view), gone once committed.
  for (const text of ['k', 'か', 'かn', 'かんj', 'かんじ']) await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  await expect(page.locator('.composition-view')).toHaveText('かんじ');
  await expect(page.locator('.composition-view')).toBeVisible();
  await cdp.send('Input.insertText', { text: '漢字' });
  await expect(page.locator('.composition-view')).toBeHidden();
  // Chinese pinyin with a candidate picked: zhongwen → 中文, then full-width punctuation.
  await compose(cdp, ['z', 'zh', 'zho', 'zhon', 'zhong', 'zhong w', 'zhong we', 'zhong wen'], '中文');
  await compose(cdp, ['，'], '，');
  // Korean: each syllable is its own composition (jamo build up, then commit).
  await compose(cdp, ['ㅎ', '하', '한'], '한');
  await compose(cdp, ['ㄱ', '그', '글'], '글');
  // A composition abandoned (Escape in the IME) sends nothing.
  await cdp.send('Input.imeSetComposition', { text: 'x', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '', selectionStart: 0, selectionEnd: 0 });
  expectBytes(await received(), '日本語漢字中文，한글');
});

/**
 * A soft keyboard's word: composition updates, then the word it commits and a space
 * right behind it, as Gboard sends them. On a phone both often arrive before the page
 * has run its timers; a busy main thread (100 ms of script) makes that happen here every time.
 */
async function keyboardWord(cdp: CDPSession, updates: string[], commit: string): Promise<void> {
  for (const text of updates) await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  const busy = cdp.send('Runtime.evaluate', { expression: 'for (const t = Date.now(); Date.now() - t < 100; );' });
  await Promise.all([busy, cdp.send('Input.insertText', { text: commit }), cdp.send('Input.insertText', { text: ' ' })]);
}

test('Gboard-style typing: each word composed, the autocorrected word and its space committed together', async ({ page, env }) => {
  const cdp = await openTerminal(page, env);
  const received = await captureRawBytes(page);
  await keyboardWord(cdp, ['t', 'te', 'teh'], 'the'); // "teh" composed; the correction is what gets committed
  await keyboardWord(cdp, ['q', 'qu', 'qui', 'quic', 'quick'], 'quick');
  await keyboardWord(cdp, ['b', 'br', 'brw', 'brwn'], 'brown'); // a suggestion tapped mid-word
  await keyboardWord(cdp, ['I', 'Il'], 'I’ll'); // capitalised and apostrophised by the keyboard
  await compose(cdp, ['c', 'ca', 'caf', 'cafe'], 'café'); // an accent picked from the strip; no space yet
  expectBytes(await received(), 'the quick brown I’ll café');
});

test('text inserted without composition (emoji keyboard, accents, combining marks) arrives byte for byte', async ({ page, env }) => {
  const cdp = await openTerminal(page, env);
  const received = await captureRawBytes(page);
  const pieces = [
    'é', // precomposed
    'e\u0301', // e + combining acute: must not be normalised either way
    'ñandú ',
    'Grüße ',
    '🙂', // astral plane (surrogate pair in JS)
    '👍🏽', // skin-tone modifier
    '👩‍💻', // ZWJ sequence
    '🇯🇵', // regional-indicator flag
    '❤️', // with variation selector 16
    ' naïve',
  ];
  for (const text of pieces) await cdp.send('Input.insertText', { text });
  expectBytes(await received(), pieces.join(''));
});

test('screen-reader mode: keys (Backspace too), an emoji keyboard and an IME all arrive once (xterm leaves key presses in the field there)', async ({ page, env }) => {
  await page.addInitScript(() => window.localStorage.setItem('termlink.prefs.v1', JSON.stringify({ screenReader: true })));
  const cdp = await openTerminal(page, env);
  const received = await captureRawBytes(page);
  await page.keyboard.type('abx');
  await page.keyboard.press('Backspace');
  await cdp.send('Input.insertText', { text: '🙂' });
  await page.keyboard.type('c');
  await compose(cdp, ['k', 'か', 'かn', 'かな'], '仮名');
  await page.keyboard.type('d');
  await cdp.send('Input.insertText', { text: 'é' });
  expectBytes(await received(), 'abx\x7f🙂c仮名dé');
});

// Android keyboards also edit words they have already committed: tapping a suggestion
// (or an accent) for the previous word reopens a composition over it and commits the
// new word in its place. The keyboard then shows the new word; the shell must end up
// with the same line. Checked after the tty's own line editing (`read`), since the
// correction is necessarily sent as erase + retype.
async function readLine(page: Page): Promise<() => Promise<string>> {
  const n = ++captures;
  const file = join(dir, `line-${n}`);
  await typeInTerminal(page, `read -r x; printf '%s' "$x" > ${file}; echo done-$((${n}*1000+2))\n`);
  return async () => {
    await page.keyboard.press('Enter');
    await expectScreen(page, new RegExp(`^done-${n * 1000 + 2}$`, 'm'));
    return readFileSync(file, 'utf8');
  };
}

/**
 * Reopen a composition over `tail`, the end of what is already committed in the
 * keyboard's field (Android's setComposingRegion), and commit `replacement` in its place.
 */
async function replaceCommitted(page: Page, cdp: CDPSession, tail: string, replacement: string): Promise<void> {
  const value = await page.locator('.xterm-helper-textarea').inputValue();
  expect(value.endsWith(tail), `the keyboard's field ${JSON.stringify(value)} ends with ${JSON.stringify(tail)}`).toBe(true);
  const start = value.length - tail.length;
  await cdp.send('Input.imeSetComposition', { text: tail, selectionStart: tail.length, selectionEnd: tail.length, replacementStart: start, replacementEnd: value.length });
  await cdp.send('Input.insertText', { text: replacement });
}

test('a suggestion tapped for a word already committed replaces it in the shell too', async ({ page, env }) => {
  const cdp = await openTerminal(page, env);
  const line = await readLine(page);
  await compose(cdp, ['t', 'te', 'teh'], 'teh');
  await cdp.send('Input.insertText', { text: ' ' });
  await replaceCommitted(page, cdp, 'teh ', 'the '); // same length
  await compose(cdp, ['c', 'ca', 'caf', 'cafe'], 'cafe');
  await cdp.send('Input.insertText', { text: ' ' });
  await replaceCommitted(page, cdp, 'cafe ', 'café '); // an accent added afterwards
  await compose(cdp, ['i', 'is'], 'is');
  await cdp.send('Input.insertText', { text: ' ' });
  await replaceCommitted(page, cdp, 'is ', 'isn’t '); // longer
  await compose(cdp, ['o', 'op', 'ope', 'open'], 'open');
  const shown = await page.locator('.xterm-helper-textarea').inputValue();
  expect(shown).toBe('the café isn’t open'); // what the keyboard believes it typed
  expect(await line()).toBe(shown);
});

test('double space → ". " (the keyboard rewrites the space it committed) gives one period and one space', async ({ page, env }) => {
  const cdp = await openTerminal(page, env);
  const line = await readLine(page);
  await compose(cdp, ['d', 'do', 'don', 'done'], 'done');
  await cdp.send('Input.insertText', { text: ' ' });
  await replaceCommitted(page, cdp, ' ', '. ');
  await compose(cdp, ['O', 'Ok'], 'Ok');
  expect(await line()).toBe('done. Ok');
});
