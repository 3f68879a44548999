// Reconnect delays: capped exponential backoff with full jitter, so a relay
// restart is not met by every client at the same instant.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 300, capMs: 10_000 };

/** Delay before attempt number `attempt` (0 = first retry). `random` is injectable for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 20));
  // Half fixed, half jitter: never 0 (no hot loop), never all clients in step.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
