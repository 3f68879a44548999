// The relay's notion of "now". Production uses the system clock; tests get one
// they can set (`--test-clock`), so expiry is tested without waiting hours.

export interface Clock {
  now(): number;
  /** Called whenever the time jumps (test clock only), so timers can re-check. */
  onJump(listener: () => void): void;
}

export const systemClock: Clock = { now: () => Date.now(), onJump: () => {} };

/** A clock that runs in real time from an offset that tests can move. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private readonly listeners: Array<() => void> = [];

  now(): number {
    return Date.now() + this.offsetMs;
  }

  set(nowMs: number): void {
    this.offsetMs = nowMs - Date.now();
    for (const listener of this.listeners) listener();
  }

  onJump(listener: () => void): void {
    this.listeners.push(listener);
  }
}
