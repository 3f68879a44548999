// Counters and gauges for Prometheus (`GET /metrics`): what an operator of a
// relay fleet watches. Plain text exposition format, no client library needed.

export class RelayMetrics {
  bytesToViewers = 0;
  bytesFromAgents = 0;
  bytesOfInput = 0;
  attachesTotal = 0;
  readonly attachFailures = new Map<string, number>();
  /** Cross-relay routing: time to open the forwarded hop, summed (seconds) and counted. */
  routeSeconds = 0;
  routeCount = 0;

  attachFailed(reason: string): void {
    this.attachFailures.set(reason, (this.attachFailures.get(reason) ?? 0) + 1);
  }

  render(gauges: { sessions: number; viewers: number; agents: number; draining: boolean }): string {
    const lines = [
      '# HELP termlink_sessions Shells with at least one agent connected to this relay.',
      '# TYPE termlink_sessions gauge',
      `termlink_sessions ${gauges.sessions}`,
      '# HELP termlink_viewers Viewers attached through this relay.',
      '# TYPE termlink_viewers gauge',
      `termlink_viewers ${gauges.viewers}`,
      '# HELP termlink_agents Agents connected to this relay.',
      '# TYPE termlink_agents gauge',
      `termlink_agents ${gauges.agents}`,
      '# HELP termlink_draining 1 while the relay drains before exit.',
      '# TYPE termlink_draining gauge',
      `termlink_draining ${gauges.draining ? 1 : 0}`,
      '# HELP termlink_bytes_total Terminal bytes moved, by direction.',
      '# TYPE termlink_bytes_total counter',
      `termlink_bytes_total{direction="agent_to_relay"} ${this.bytesFromAgents}`,
      `termlink_bytes_total{direction="relay_to_viewers"} ${this.bytesToViewers}`,
      `termlink_bytes_total{direction="input"} ${this.bytesOfInput}`,
      '# HELP termlink_attaches_total Successful attaches.',
      '# TYPE termlink_attaches_total counter',
      `termlink_attaches_total ${this.attachesTotal}`,
      '# HELP termlink_attach_failures_total Refused attaches and lookups, by reason.',
      '# TYPE termlink_attach_failures_total counter',
      ...[...this.attachFailures].map(([reason, n]) => `termlink_attach_failures_total{reason="${reason}"} ${n}`),
      '# HELP termlink_route_seconds Time to open a forwarded hop to the relay that holds the agent.',
      '# TYPE termlink_route_seconds summary',
      `termlink_route_seconds_sum ${this.routeSeconds}`,
      `termlink_route_seconds_count ${this.routeCount}`,
    ];
    return lines.join('\n') + '\n';
  }
}
