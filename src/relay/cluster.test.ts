// Cluster mode on real parts: PostgreSQL, Redis, three relay processes, nginx.
// Any link through any relay; revocation everywhere at once; a relay can die.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.js';
import { ensureEnrolled } from '../agent/enroll.js';
import { createLogger } from '../platform/log.js';
import { startCluster, type TestCluster } from '../testing/cluster.js';
import { TEST_SHELL, TestViewer } from '../testing/harness.js';
import { nginxAvailable, postgresAvailable, redisAvailable } from '../testing/services.js';
import { join } from 'node:path';

const missing = [!postgresAvailable() && 'postgresql', !redisAvailable() && 'redis-server', !nginxAvailable() && 'nginx'].filter(Boolean);
if (missing.length > 0 && process.env.CI) throw new Error(`CI must install ${missing.join(', ')} (.ci/run does)`);

describe.skipIf(missing.length > 0)('cluster of three relays behind nginx', () => {
  let cluster: TestCluster;
  let agent: Agent;
  const [a, b, c] = [0, 1, 2];

  beforeAll(async () => {
    cluster = await startCluster();
    const relayList = cluster.relays.map((r) => r.url).join(',');
    const state = await ensureEnrolled({
      stateFile: join(cluster.dir, 'agent.json'),
      relayUrl: relayList,
      hostname: 'clustered',
      operatorKey: () => cluster.operatorKey,
    });
    // The agent dials relay A first; B and C are its fallbacks.
    agent = new Agent({ relayUrl: relayList, machineId: state.machine_id, machineKey: state.machine_key, hostname: 'clustered', shell: TEST_SHELL, log: createLogger('agent', 'silent') });
    await agent.start();
  }, 90_000);
  afterAll(async () => {
    await agent?.stop();
    await cluster?.stop();
  });

  const mint = async (via: number) => {
    const minted = await cluster.api(cluster.relays[via].url, 'POST', '/api/shares', { host: 'clustered' });
    expect(minted.status).toBe(201);
    return minted.body as { token: string; url: string };
  };

  it('a viewer on relay B reaches the agent on relay A: same session, input, presence', async () => {
    const { token } = await mint(c);
    // Every relay knows the machine is online, wherever its agent is connected.
    for (const relay of cluster.relays) {
      expect((await cluster.api(relay.url, 'GET', '/api/link', undefined, `Share ${token}`)).body.online).toBe(true);
    }
    const onA = TestViewer.share(cluster.relays[a].url, token);
    const onB = TestViewer.share(cluster.relays[b].url, token);
    await onA.untilMessage('attached');
    await onB.untilMessage('attached');
    expect(onB.sessionId).toBe(onA.sessionId);
    await onB.type('echo via-b-$((2*21))\r');
    await onA.untilText('via-b-42');
    await onB.untilText('via-b-42');
    await onB.until(() => onB.messages.some((m) => m.type === 'presence' && m.count === 2), 'presence 2');
    // Echo round trips, direct and through the extra hop (figures for the docs, not assertions).
    const echo = async (viewer: TestViewer, tag: string) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const marker = `${tag}${i}x`;
        const started = performance.now();
        await viewer.type(`: ${marker}`);
        await viewer.untilText(marker);
        times.push(performance.now() - started);
        await viewer.type('\x15');
      }
      return times.sort((x, y) => x - y)[10];
    };
    const direct = await echo(onA, 'dA');
    const forwarded = await echo(onB, 'fB');
    console.log(`echo median: direct ${direct.toFixed(2)} ms, via another relay ${forwarded.toFixed(2)} ms`);
    const listed = await cluster.api(cluster.relays[c].url, 'GET', '/api/shares?host=clustered');
    const entry = listed.body.find((s: { token_prefix: string }) => token.startsWith(s.token_prefix));
    expect(entry.attached).toBe(2); // summed over the cluster, seen from relay C
    onA.close();
    onB.close();
  });

  it('revoking on relay C closes viewers attached through A and B at once', async () => {
    const { token } = await mint(a);
    const onA = TestViewer.share(cluster.relays[a].url, token);
    const onB = TestViewer.share(cluster.relays[b].url, token);
    await onA.untilMessage('attached');
    await onB.untilMessage('attached');
    const started = performance.now();
    const revoked = await cluster.api(cluster.relays[c].url, 'DELETE', `/api/shares/${token}`);
    expect(revoked.status).toBe(200);
    const closes = await Promise.all([onA.untilClosed(), onB.untilClosed()]);
    console.log(`revoke on C → both viewers closed in ${(performance.now() - started).toFixed(1)} ms`);
    expect(closes).toEqual([4410, 4410]);
    expect((await onB.untilMessage('ended')).reason).toBe('revoked');
    const again = await cluster.api(cluster.relays[b].url, 'GET', '/api/link', undefined, `Share ${token}`);
    expect(again.body.reason).toBe('revoked');
  });

  it('kill -9 of the relay holding the agent: the shell survives and output resumes with no gap', async () => {
    const { token } = await mint(b);
    let viewer = TestViewer.share(cluster.lb, token);
    await viewer.untilMessage('attached');
    await viewer.type('echo PID=$$; for i in $(seq 1 60); do echo "tick $i"; sleep 0.1; done\r');
    await viewer.untilText('tick 5\r\n');
    const pid = /PID=(\d+)/.exec(viewer.text)![1];
    const holder = cluster.relays.find((r) => r.url === cluster.relays[a].url)!;
    cluster.kill9(holder);
    const killed = performance.now();
    // Reconnect through the load balancer (as the page does), resuming from the last offset.
    let attachedAgain = false;
    for (let attempt = 0; attempt < 60 && !attachedAgain; attempt++) {
      await viewer.untilClosed(10_000).catch(() => 0);
      const previous = viewer;
      viewer = TestViewer.share(cluster.lb, token, undefined, { resume: { sessionId: previous.sessionId!, offset: previous.receivedOffset } });
      viewer.output = previous.output;
      viewer.receivedOffset = previous.receivedOffset;
      viewer.sessionId = previous.sessionId;
      await viewer.until(() => viewer.closeCode !== null || viewer.messages.some((m) => m.type === 'attached'), 'attach or close', 10_000);
      attachedAgain = viewer.messages.some((m) => m.type === 'attached');
      if (!attachedAgain) await new Promise((r) => setTimeout(r, 250));
    }
    expect(attachedAgain).toBe(true);
    console.log(`kill -9 of the agent's relay → viewer re-attached through nginx after ${(performance.now() - killed).toFixed(0)} ms`);
    await viewer.untilText('tick 60\r\n', 30_000);
    const ticks = [...viewer.text.matchAll(/^tick (\d+)\r$/gm)].map((m) => Number(m[1]));
    expect(ticks).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    await viewer.type('echo PID=$$\r');
    await viewer.until(() => viewer.text.split(`PID=${pid}`).length >= 3, 'same shell');
    viewer.close();
  });

  it('failed lookups count across relays', async () => {
    const bogus = (i: number) => `Share shr_clusterguess${i}AAAAAAAAAAAAAAAAAA`;
    // Relay A was killed in the previous test: B and C answer, alternately.
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await cluster.api(cluster.relays[1 + (i % 2)].url, 'GET', '/api/link', undefined, bogus(i));
      statuses.push(r.status);
    }
    // 30 failures a minute in total, whatever relay answered: then every relay says 429.
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(30);
    expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
  });
});
