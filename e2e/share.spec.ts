// The first working share link in real Chromium: open, type, share, and a clear
// page for every bad link.
import { expectScreen, expect, freshHost, mintUrl, openLive, screenText, test, typeInTerminal } from './fixtures.js';

test('a guest opens the link, types a command and sees its output', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  await openLive(page, url);
  await expect(page.getByTestId('status-bar')).toContainText(host);
  await typeInTerminal(page, 'echo hello-$((6*7))\n');
  await expectScreen(page, 'hello-42');
});

test('two pages — same link and another link to the same machine — share one shell', async ({ browser, env }) => {
  const host = await freshHost(env);
  const first = await mintUrl(env, host);
  const second = await mintUrl(env, host);
  const a = await browser.newPage();
  const b = await browser.newPage();
  const c = await browser.newPage();
  await openLive(a, first.url);
  await openLive(b, first.url);
  await openLive(c, second.url);
  await typeInTerminal(a, 'echo from-a-$((1+1))\n');
  await expectScreen(b, 'from-a-2');
  await expectScreen(c, 'from-a-2');
  await typeInTerminal(c, 'echo from-c-$((2+2))\n');
  await expectScreen(a, 'from-c-4');
  await expect(a.getByTestId('presence-count')).toContainText('3');
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('the attach socket opened at boot is the one the session uses: one socket per page', async ({ page, env }) => {
  const host = await freshHost(env);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await openLive(page, (await mintUrl(env, host)).url);
  await typeInTerminal(page, 'echo one-socket-$((2*3))\n');
  await expectScreen(page, 'one-socket-6');
  expect(sockets).toHaveLength(1);
});

test('a bogus link shows the "not valid" page', async ({ page, env }) => {
  const closed: Array<Promise<unknown>> = [];
  page.on('websocket', (ws) => closed.push(new Promise((resolve) => ws.on('close', resolve))));
  await page.goto(`${env.relay.url}/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
  const problem = page.getByTestId('page-problem');
  await expect(problem).toHaveAttribute('data-reason', 'unknown');
  // The socket opened at boot, in case the link was good, is closed by the problem page.
  await Promise.all(closed);
  await expect(problem).toContainText(/not valid/i);
  await expect(problem).toContainText(/ask the person who sent you the link/i);
});

test('an expired link shows when it expired', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url, expires_at } = await mintUrl(env, host, { ttl_hours: 1 });
  await env.api('POST', '/api/test/clock', { now_ms: Date.parse(expires_at!) + 1000 });
  try {
    await page.goto(url);
    const problem = page.getByTestId('page-problem');
    await expect(problem).toHaveAttribute('data-reason', 'expired');
    await expect(problem).toContainText(/expired/i);
  } finally {
    await env.api('POST', '/api/test/clock', { now_ms: Date.now() });
  }
});

test('a revoked link shows the revoked page', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url, token } = await mintUrl(env, host);
  await env.api('DELETE', `/api/shares/${token}`);
  await page.goto(url);
  await expect(page.getByTestId('page-problem')).toHaveAttribute('data-reason', 'revoked');
  await expect(page.getByTestId('page-problem')).toContainText(/revoked/i);
});

test('the page is served with strict security headers', async ({ page, env }) => {
  const host = await freshHost(env);
  const { url } = await mintUrl(env, host);
  const response = await page.goto(url);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toBe('no-store');
});

test('screenText reads the real screen', async ({ page, env }) => {
  const host = await freshHost(env);
  await openLive(page, (await mintUrl(env, host)).url);
  expect(await screenText(page)).toContain('tl$');
});
