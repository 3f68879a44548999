// End-to-end tests: real Chromium against a real relay, agent and shell
// (each spec starts its own on port 0). Debian's Chromium where present.
import { defineConfig } from '@playwright/test';
// @ts-expect-error plain ESM helper shared with the test runner and benchmarks
import { chromiumArgs, findChromium } from './scripts/browser.mjs';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  workers: 1, // two cores: relay, agent, shell and Chromium share them
  retries: 0,
  reporter: process.env.CI ? 'list' : 'line',
  use: {
    browserName: 'chromium',
    viewport: { width: 1200, height: 800 },
    launchOptions: { executablePath: findChromium(), args: chromiumArgs() },
    trace: 'off',
  },
});
