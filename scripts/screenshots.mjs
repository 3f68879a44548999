// Regenerates the README screenshots: the share page on a desktop and a phone
// viewport, light and dark, against a real relay, agent and shell.
// Run after `npm run build`: node scripts/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { chromium, devices } from '@playwright/test';
import { startTestRelay } from '../dist/testing/harness.js';
import { chromiumArgs, findChromium } from './browser.mjs';

const out = new URL('../docs/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const env = await startTestRelay();
await env.startAgent({ hostname: 'vps-audi' });
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
const shots = [
  { name: 'desktop-dark', scheme: 'dark', options: { viewport: { width: 1280, height: 720 } } },
  { name: 'desktop-light', scheme: 'light', options: { viewport: { width: 1280, height: 720 } } },
  { name: 'phone-dark', scheme: 'dark', options: devices['Pixel 7'] },
  { name: 'phone-light', scheme: 'light', options: devices['Pixel 7'] },
];
for (const shot of shots) {
  const { body } = await env.mint('vps-audi', { ttl_hours: 4 });
  const context = await browser.newContext({ ...shot.options, colorScheme: shot.scheme });
  const page = await context.newPage();
  await page.goto(body.url);
  await page.waitForFunction(() => window.termlink?.screenText?.().includes('tl$'));
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type("clear; printf '\\e[1;32mtermlink\\e[0m: a shared shell on \\e[1m%s\\e[0m\\n' vps-audi; ls --color=always -la /usr | head -9; echo; echo 'ready: everyone on this link sees this shell'\n");
  await page.waitForFunction(() => window.termlink.screenText().includes('ready: everyone'));
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}${shot.name}.png` });
  await context.close();
  console.log(`wrote docs/screenshots/${shot.name}.png`);
}
await browser.close();
await env.close();
