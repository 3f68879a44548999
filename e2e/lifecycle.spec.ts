// Link lifecycle seen from the page: revoke and expiry while attached,
// machine passwords, and the operator pairing from the CLI path.
import { TestViewer } from '../src/testing/harness.js';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';

test('revoking a link while a guest is attached ends the session with a clear banner', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url, token } = await mintUrl(env, host);
  await openLive(page, url);
  await typeInTerminal(page, 'echo keep-me-readable\n');
  await expectScreen(page, 'keep-me-readable');
  await env.api('DELETE', `/api/shares/${token}`);
  const banner = page.getByTestId('banner-ended');
  await expect(banner).toHaveAttribute('data-reason', 'revoked');
  await expect(banner).toContainText(/revoked/i);
  await expectScreen(page, 'keep-me-readable'); // the last output stays readable
  // The bar no longer counts down or counts people for a session that is over.
  await expect(page.getByTestId('session-over')).toHaveText('link revoked');
  await expect(page.getByTestId('time-left')).toHaveCount(0);
  await expect(page.getByTestId('presence-count')).toHaveCount(0);
});

test('a link expiring while attached ends the session at expires_at', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url, expires_at } = await mintUrl(env, host, { ttl_hours: 1 });
  await openLive(page, url);
  try {
    await env.api('POST', '/api/test/clock', { now_ms: Date.parse(expires_at!) - 1000 });
    const banner = page.getByTestId('banner-ended');
    await expect(banner).toHaveAttribute('data-reason', 'expired', { timeout: 5000 });
    await expect(banner).toContainText(/expired/i);
  } finally {
    await env.api('POST', '/api/test/clock', { now_ms: Date.now() });
  }
});

test('a password-protected machine: wrong password says so, right one opens the shell', async ({ page, env }) => {
  const host = await freshHost(env, { password: 'hunter2hunter2' });
  const { url } = await mintUrl(env, host);
  await page.goto(url);
  await expect(page.getByTestId('page-password')).toContainText(host);
  await page.getByTestId('password-input').fill('wrong-one');
  await page.getByTestId('password-input').press('Enter');
  await expect(page.getByTestId('password-error')).toContainText(/wrong/i);
  await page.getByTestId('password-input').fill('hunter2hunter2');
  await page.getByTestId('password-input').press('Enter');
  await expectScreen(page, 'tl$');
  await typeInTerminal(page, 'echo past-the-door\n');
  await expectScreen(page, 'past-the-door');
});

test('repeated wrong passwords lock the link for a while and the page says how long', async ({ page, env }) => {
  const host = await freshHost(env, { password: 'hunter2hunter2' });
  const { url } = await mintUrl(env, host);
  await page.goto(url);
  const input = page.getByTestId('password-input');
  for (let i = 0; i < 3; i++) {
    await input.fill(`wrong-${i}`);
    await input.press('Enter');
    await expect(page.getByTestId('password-error')).toBeVisible();
  }
  await expect(page.getByTestId('password-error')).toContainText(/\d+\s*s/);
});

test('the operator (CLI attach path) and a guest in the browser type into the same shell', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  const operator = new TestViewer(env.relay.url, { kind: 'operator', key: env.operatorKey, machine: host });
  await operator.untilMessage('attached');
  await operator.type('echo operator-says-$((20+1))\r');
  await expectScreen(page, 'operator-says-21');
  await typeInTerminal(page, 'echo guest-says-$((20+2))\n');
  await operator.untilText('guest-says-22');
  await expect(page.getByTestId('presence-count')).toContainText('2');
  operator.close();
});
