// Cluster mode (`--redis`): several relays share one PostgreSQL store and use
// Redis for what must be seen cluster-wide — which relay holds each machine's
// agent, link revocations and expiries, failure counts, and attach counts.
// Bytes do not go through Redis: a viewer that lands on the wrong relay is
// forwarded to the relay holding the agent (see forward.ts).
import { Redis } from 'ioredis';
import type { EndReason } from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import { newId } from '../platform/secrets.js';
import type { FailureCounter } from './rateLimit.js';

const KEY = {
  agent: (machineId: string) => `termlink:agent:${machineId}`,
  attached: (relayId: string) => `termlink:attached:${relayId}`,
  failures: (who: string) => `termlink:failures:${who}`,
  events: 'termlink:events',
} as const;

/** How long an agent's location stays without a refresh (a relay killed with -9 stops refreshing). */
const AGENT_TTL_MS = 15_000;
const REFRESH_MS = 5_000;

type ClusterEvent =
  | { type: 'link_ended'; linkId: string; reason: EndReason; message: string; from: string }
  | { type: 'agent_online'; machineId: string; relayUrl: string; from: string };

export interface ClusterHandlers {
  onLinkEnded(linkId: string, reason: EndReason, message: string): void;
  onAgentOnline(machineId: string, relayUrl: string): void;
}

export class Cluster {
  readonly relayId = newId('r_');
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  /** Machines whose agent is connected here, and whether each asks for a password. */
  private readonly held = new Map<string, boolean>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private countsTimer: NodeJS.Timeout | null = null;
  private localCounts: () => Map<string, number> = () => new Map();

  constructor(
    redisUrl: string,
    /** How other relays reach this one (its own URL on the private network). */
    readonly selfUrl: string,
    private readonly log: Logger,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.subscriber = new Redis(redisUrl, { lazyConnect: true });
    this.redis.on('error', (error) => log.warn('redis error', { error: error.message }));
    this.subscriber.on('error', (error) => log.warn('redis subscriber error', { error: error.message }));
  }

  async start(handlers: ClusterHandlers, localCounts: () => Map<string, number>): Promise<void> {
    this.localCounts = localCounts;
    await this.redis.connect();
    await this.subscriber.connect();
    await this.subscriber.subscribe(KEY.events);
    this.subscriber.on('message', (_channel: string, text: string) => {
      let event: ClusterEvent;
      try {
        event = JSON.parse(text) as ClusterEvent;
      } catch {
        return;
      }
      if (event.from === this.relayId) return;
      if (event.type === 'link_ended') handlers.onLinkEnded(event.linkId, event.reason, event.message);
      else if (event.type === 'agent_online') handlers.onAgentOnline(event.machineId, event.relayUrl);
    });
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.refreshTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.countsTimer) clearTimeout(this.countsTimer);
    await Promise.all([...this.held.keys()].map((machineId) => this.withdrawAgent(machineId)));
    await this.redis.del(KEY.attached(this.relayId)).catch(() => {});
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  // --------------------------------------------------------------- agent routing

  /** This relay now holds the machine's agent: say so, and wake viewers waiting elsewhere. */
  async announceAgent(machineId: string, requiresPassword: boolean): Promise<void> {
    this.held.set(machineId, requiresPassword);
    await this.redis.set(KEY.agent(machineId), this.location(requiresPassword), 'PX', AGENT_TTL_MS);
    await this.publish({ type: 'agent_online', machineId, relayUrl: this.selfUrl, from: this.relayId });
  }

  async withdrawAgent(machineId: string): Promise<void> {
    this.held.delete(machineId);
    // Only if it still points here: the agent may already have reconnected to another relay.
    const current = await this.agentAnywhere(machineId);
    if (current?.url === this.selfUrl) await this.redis.del(KEY.agent(machineId));
  }

  /** The URL of the relay holding this machine's agent, when it is another relay. */
  async agentLocation(machineId: string): Promise<string | null> {
    const found = await this.agentAnywhere(machineId);
    return found && found.url !== this.selfUrl ? found.url : null;
  }

  /** Where the machine's agent is connected in the cluster (any relay), and whether it asks for a password. */
  async agentAnywhere(machineId: string): Promise<{ url: string; requiresPassword: boolean } | null> {
    const text = await this.redis.get(KEY.agent(machineId));
    if (!text) return null;
    try {
      const value = JSON.parse(text) as { url?: unknown; pw?: unknown };
      return typeof value.url === 'string' ? { url: value.url, requiresPassword: value.pw === true } : null;
    } catch {
      return null;
    }
  }

  private location(requiresPassword: boolean): string {
    return JSON.stringify({ url: this.selfUrl, pw: requiresPassword });
  }

  // ---------------------------------------------------------- links & counters

  async publishLinkEnded(linkId: string, reason: EndReason, message: string): Promise<void> {
    await this.publish({ type: 'link_ended', linkId, reason, message, from: this.relayId });
  }

  /** Someone attached or left here: publish this relay's counts soon (coalesced). */
  countsChanged(): void {
    if (this.countsTimer) return;
    this.countsTimer = setTimeout(() => {
      this.countsTimer = null;
      this.writeCounts().catch((error: unknown) => this.log.warn('attach counts not written', { error }));
    }, 20);
  }

  /** People attached per link, summed over every relay. */
  async attachedTotals(): Promise<Map<string, number>> {
    await this.writeCounts();
    const totals = new Map<string, number>();
    const keys = await this.redis.keys(`${KEY.attached('')}*`);
    for (const key of keys) {
      const counts = await this.redis.hgetall(key);
      for (const [linkId, n] of Object.entries(counts)) totals.set(linkId, (totals.get(linkId) ?? 0) + Number(n));
    }
    return totals;
  }

  /** Failure counts shared by every relay (rate limits hold cluster-wide). */
  failureCounter(maxFailures: number, windowMs: number): FailureCounter {
    return {
      retryAfter: async (who) => {
        const key = KEY.failures(who);
        const count = Number((await this.redis.get(key)) ?? 0);
        if (count < maxFailures) return 0;
        return Math.max(1, await this.redis.pttl(key));
      },
      fail: async (who) => {
        const key = KEY.failures(who);
        const count = await this.redis.incr(key);
        if (count === 1) await this.redis.pexpire(key, windowMs);
      },
    };
  }

  private async refresh(): Promise<void> {
    try {
      for (const [machineId, pw] of this.held) await this.redis.set(KEY.agent(machineId), this.location(pw), 'PX', AGENT_TTL_MS);
      await this.writeCounts();
    } catch (error) {
      this.log.warn('cluster refresh failed', { error });
    }
  }

  private async writeCounts(): Promise<void> {
    const key = KEY.attached(this.relayId);
    const counts = this.localCounts();
    const multi = this.redis.multi().del(key);
    if (counts.size > 0) multi.hset(key, Object.fromEntries(counts));
    await multi.pexpire(key, AGENT_TTL_MS).exec();
  }

  private async publish(event: ClusterEvent): Promise<void> {
    await this.redis.publish(KEY.events, JSON.stringify(event));
  }
}
