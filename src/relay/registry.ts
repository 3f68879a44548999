// All machine hubs of this relay, by machine id. Created on first use, dropped
// when neither an agent nor a viewer is left.
import type { EndReason } from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import { MachineHub } from './hub.js';
import type { RelayMetrics } from './metrics.js';

export class HubRegistry {
  private readonly hubs = new Map<string, MachineHub>();

  constructor(
    private readonly log: Logger,
    readonly metrics: RelayMetrics,
  ) {}

  get(machineId: string): MachineHub | undefined {
    return this.hubs.get(machineId);
  }

  obtain(machineId: string): MachineHub {
    let hub = this.hubs.get(machineId);
    if (!hub) {
      hub = new MachineHub(machineId, this.log, this.metrics);
      this.hubs.set(machineId, hub);
    }
    return hub;
  }

  /** Forget a hub nobody uses any more. */
  release(machineId: string): void {
    const hub = this.hubs.get(machineId);
    if (hub?.isIdle()) this.hubs.delete(machineId);
  }

  endLink(machineId: string, linkId: string, reason: EndReason, message: string): number {
    return this.hubs.get(machineId)?.endLink(linkId, reason, message) ?? 0;
  }

  /** End a link's viewers on whatever machine they are (expiry knows only the link id). */
  endLinkAnywhere(linkId: string, reason: EndReason, message: string): number {
    let ended = 0;
    for (const hub of this.hubs.values()) ended += hub.endLink(linkId, reason, message);
    return ended;
  }

  all(): MachineHub[] {
    return [...this.hubs.values()];
  }

  /** People attached per link on this relay (cluster mode sums these over relays). */
  attachedByLink(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const hub of this.hubs.values()) {
      for (const [linkId, n] of hub.viewersByLink()) counts.set(linkId, (counts.get(linkId) ?? 0) + n);
    }
    return counts;
  }

  /** Viewers waiting here for an agent that came online on another relay: send them there. */
  redirect(machineId: string): void {
    const hub = this.hubs.get(machineId);
    if (hub && !hub.online) hub.closeAll(4503, 'machine is on another relay; reconnect');
  }

  /** Gauges for /metrics. */
  gauges(): { sessions: number; viewers: number; agents: number } {
    let sessions = 0;
    let viewers = 0;
    let agents = 0;
    for (const hub of this.hubs.values()) {
      if (hub.sessionLive) sessions++;
      if (hub.online) agents++;
      viewers += hub.viewerCount();
    }
    return { sessions, viewers, agents };
  }
}
