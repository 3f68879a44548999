// The machine password, checked on the agent only: the relay forwards attempts
// and never sees the hash. Salted scrypt at rest; failures slow down, then lock,
// counted per link so one guest's guessing does not lock out another link.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash` (base64): what the agent state file keeps. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Failures allowed before delays start, and before the lock. */
export const LOCKOUT = { freeFailures: 2, lockAfter: 6, lockMs: 5 * 60_000, grantTtlMs: 12 * 3_600_000 } as const;

interface AttemptState {
  failures: number;
  /** No attempt is checked before this time. */
  notBefore: number;
}

export type CheckResult = { ok: true; grant: string } | { ok: false; locked: boolean; retryAfterMs: number };

export class PasswordGate {
  private readonly attempts = new Map<string, AttemptState>();
  /** Attempts on one link are checked one after another, so a burst cannot outrun the lockout. */
  private readonly queues = new Map<string, { tail: Promise<unknown>; length: number }>();
  private readonly grants = new Map<string, { key: string; until: number }>();

  constructor(
    private readonly storedHash: string,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string, password: string): Promise<CheckResult> {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), length: 0 };
    if (queue.length >= 8) {
      // Someone is firing guesses faster than they can be checked: refuse without checking.
      return Promise.resolve({ ok: false, locked: true, retryAfterMs: Math.max(1000, (this.attempts.get(key)?.notBefore ?? 0) - this.now()) });
    }
    queue.length++;
    const result = queue.tail.then(() => this.checkNow(key, password));
    queue.tail = result.finally(() => {
      queue.length--;
      if (queue.length === 0) this.queues.delete(key);
    });
    this.queues.set(key, queue);
    return result;
  }

  private async checkNow(key: string, password: string): Promise<CheckResult> {
    const state = this.attempts.get(key) ?? { failures: 0, notBefore: 0 };
    const wait = state.notBefore - this.now();
    if (wait > 0) return { ok: false, locked: true, retryAfterMs: wait };
    if (await verifyPassword(password, this.storedHash)) {
      this.attempts.delete(key);
      const grant = randomBytes(24).toString('base64url');
      this.grants.set(grant, { key, until: this.now() + LOCKOUT.grantTtlMs });
      return { ok: true, grant };
    }
    state.failures += 1;
    let delay = 0;
    if (state.failures >= LOCKOUT.lockAfter) delay = LOCKOUT.lockMs;
    else if (state.failures > LOCKOUT.freeFailures) delay = 1000 * 2 ** (state.failures - LOCKOUT.freeFailures - 1);
    state.notBefore = this.now() + delay;
    this.attempts.set(key, state);
    return { ok: false, locked: state.failures >= LOCKOUT.lockAfter, retryAfterMs: delay };
  }

  /** A grant from an earlier success on the same link lets a reconnect skip the prompt. */
  checkGrant(key: string, grant: string): boolean {
    const entry = this.grants.get(grant);
    if (!entry || entry.key !== key) return false;
    if (entry.until < this.now()) {
      this.grants.delete(grant);
      return false;
    }
    return true;
  }
}
