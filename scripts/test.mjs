// `npm test`: type check, build, unit + integration tests (vitest), then the
// end-to-end tests in real Chromium (Playwright). Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { findChromium } from './browser.mjs';

const steps = [
  ['type check', 'npm', ['run', 'typecheck']],
  ['build', 'npm', ['run', 'build']],
  ['unit and integration tests', 'npx', ['vitest', 'run']],
  ['end-to-end tests (Chromium)', 'npx', ['playwright', 'test']],
];

const chromium = findChromium({ install: true });
const env = { ...process.env, ...(chromium ? { TERMLINK_CHROMIUM: chromium } : {}) };

for (const [name, command, args] of steps) {
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stdout.write(`\n=== ${name} FAILED (exit ${result.status})\n`);
    process.exit(result.status ?? 1);
  }
}
process.stdout.write('\n=== all tests passed\n');
