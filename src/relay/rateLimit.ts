// Counts failures per key (client address) in a sliding window. Only failures
// count, so valid users are never slowed by someone else's guessing.

/** Where failures are counted: in this process, or cluster-wide (Redis). */
export interface FailureCounter {
  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfter(key: string): Promise<number>;
  fail(key: string): Promise<void>;
}

/** One relay's own count (the default, single-relay deployment). */
export class FailureLimiter implements FailureCounter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async retryAfter(key: string): Promise<number> {
    const recent = this.recent(key);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, recent[recent.length - this.maxFailures] + this.windowMs - this.now());
  }

  async fail(key: string): Promise<void> {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.prune();
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) {
      const recent = this.recent(key);
      if (recent.length === 0) this.failures.delete(key);
      else this.failures.set(key, recent);
    }
  }
}
