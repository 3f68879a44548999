// What a load balancer and a monitoring system see: health, readiness, metrics, drain.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;
beforeAll(async () => {
  env = await startTestRelay();
  await env.startAgent({ hostname: 'watched' });
});
afterAll(() => env.close());

it('health, readiness and Prometheus metrics', async () => {
  expect((await fetch(`${env.relay.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${env.relay.url}/readyz`)).status).toBe(200);
  const viewer = TestViewer.share(env.relay.url, (await env.mint('watched')).body.token);
  await viewer.untilMessage('attached');
  await viewer.type('echo measured\r');
  await viewer.untilText('measured');
  const bogus = TestViewer.share(env.relay.url, 'shr_nopeAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await bogus.untilClosed();
  const text = await (await fetch(`${env.relay.url}/metrics`)).text();
  expect(text).toMatch(/^termlink_viewers 1$/m);
  expect(text).toMatch(/^termlink_agents 1$/m);
  expect(text).toMatch(/^termlink_sessions 1$/m);
  expect(text).toMatch(/^termlink_attach_failures_total\{reason="unauthenticated_unknown"\} 1$/m);
  expect(Number(/^termlink_bytes_total\{direction="relay_to_viewers"\} (\d+)$/m.exec(text)![1])).toBeGreaterThan(0);
  expect(text).not.toMatch(/shr_|tlk_|tlm_/);
  viewer.close();
});

it('draining tells viewers to reconnect elsewhere (retryable 4503) and refuses new sockets', async () => {
  const viewer = TestViewer.share(env.relay.url, (await env.mint('watched')).body.token);
  await viewer.untilMessage('attached');
  const closing = env.relay.close(2000);
  expect(await viewer.untilClosed()).toBe(4503);
  await closing;
  await env.restartRelay().catch(() => {}); // give afterAll a live relay to close
});
