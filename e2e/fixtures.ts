// Playwright fixtures: one real relay + agents per spec file (port 0, temp dir),
// and helpers that read the terminal through window.termlink.screenText().
import { test as base, expect, type Page } from '@playwright/test';
import { startTestRelay, type TestRelay } from '../src/testing/harness.js';

export const test = base.extend<{}, { env: TestRelay }>({
  env: [
    async ({}, use) => {
      const env = await startTestRelay();
      await use(env);
      await env.close();
    },
    { scope: 'worker' },
  ],
});
export { expect };

let hosts = 0;
/** A fresh machine for one test, so tests never share a shell. */
export async function freshHost(env: TestRelay, options: { password?: string } = {}): Promise<string> {
  const hostname = `e2e-${process.pid}-${++hosts}`;
  await env.startAgent({ hostname, ...options });
  return hostname;
}

export async function mintUrl(env: TestRelay, host: string, body: Record<string, unknown> = {}): Promise<{ url: string; token: string; expires_at: string | null }> {
  const { status, body: minted } = await env.mint(host, body);
  expect(status).toBe(201);
  return minted;
}

export function screenText(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { termlink?: { screenText(): string } }).termlink?.screenText() ?? '');
}

/** Wait until the terminal shows `needle`. */
export async function expectScreen(page: Page, needle: string | RegExp, timeout = 10_000): Promise<void> {
  await expect
    .poll(() => screenText(page), { timeout, message: `terminal shows ${needle}` })
    .toMatch(typeof needle === 'string' ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : needle);
}

/** Type into the terminal as a person would (focus, then keystrokes). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(text);
}

export async function openLive(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('terminal')).toBeVisible();
  await expectScreen(page, 'tl$');
}

/** Paste as a browser does: a real paste event with clipboard data on xterm's textarea. */
export async function paste(page: Page, text: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    document.querySelector('.xterm-helper-textarea')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
