// A relay restart loses nothing: the agent keeps the shell and its recent output,
// links live in SQLite, and a viewer resumes from its offset with no gap or duplicate.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestViewer, startTestRelay, type TestRelay } from '../testing/harness.js';

let env: TestRelay;
beforeAll(async () => {
  env = await startTestRelay();
  await env.startAgent({ hostname: 'survivor' });
});
afterAll(() => env.close());

it('a running counter continues across a relay restart with no gap and no duplicate', async () => {
  const { token } = (await env.mint('survivor')).body;
  const a = TestViewer.share(env.relay.url, token);
  await a.untilMessage('attached');
  await a.type('echo PID=$$; for i in $(seq 1 50); do echo "tick $i"; sleep 0.05; done\r');
  await a.untilText('tick 3\r\n');
  const pid = /PID=(\d+)/.exec(a.text)![1];
  const restartedAt = Date.now();
  await env.restartRelay();
  await a.untilClosed();
  // Wait for the agent to dial back in.
  for (let i = 0; i < 100; i++) {
    const lookup = await env.api('GET', '/api/link', undefined, `Share ${token}`);
    expect(lookup.status).toBe(200);
    if (lookup.body.online) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const b = TestViewer.share(env.relay.url, token, undefined, { resume: { sessionId: a.sessionId!, offset: a.receivedOffset } });
  b.output = a.output;
  b.receivedOffset = a.receivedOffset;
  await b.untilMessage('attached');
  const reconnectMs = Date.now() - restartedAt;
  await b.untilText('tick 50\r\n', 15000);
  expect(b.sessionId).toBe(a.sessionId);
  expect(b.snapshots).toHaveLength(0);
  const ticks = [...b.text.matchAll(/^tick (\d+)\r$/gm)].map((m) => Number(m[1]));
  expect(ticks).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  await b.type('echo PID=$$\r');
  await b.until(() => b.text.split(`PID=${pid}`).length >= 3, 'same shell pid');
  console.log(`relay restart → viewer re-attached in ${reconnectMs} ms`);
  b.close();
});
