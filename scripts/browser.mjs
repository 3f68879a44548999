// Finds the Chromium the end-to-end tests and benchmarks drive: Debian's
// /usr/bin/chromium where present (this project's machines cannot download
// browsers), else Playwright's own build, installed on first use.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Path to use as executablePath, or undefined to let Playwright use its own browser. */
export function findChromium({ install = false } = {}) {
  if (process.env.TERMLINK_CHROMIUM) return process.env.TERMLINK_CHROMIUM;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  if (install) {
    process.stderr.write('no /usr/bin/chromium: installing Playwright\'s Chromium…\n');
    execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  }
  return undefined;
}

/** Flags for a headless Chromium here: no sandbox as root, nothing phoning home. */
export function chromiumArgs() {
  const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}
