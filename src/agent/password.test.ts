import { describe, expect, it } from 'vitest';
import { LOCKOUT, PasswordGate, hashPassword, verifyPassword } from './password.js';

describe('machine password', () => {
  it('stores a salted scrypt hash, never the password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toContain('correct');
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong', a)).toBe(false);
  });

  it('slows and then locks failures per link, and grants work only for their link', async () => {
    let now = 1_000_000;
    const gate = new PasswordGate(await hashPassword('pw'), () => now);
    for (let i = 1; i <= LOCKOUT.freeFailures; i++) expect(await gate.check('link-a', 'x')).toEqual({ ok: false, locked: false, retryAfterMs: 0 });
    expect(await gate.check('link-a', 'x')).toEqual({ ok: false, locked: false, retryAfterMs: 1000 });
    // Too soon: refused without checking, even the right password.
    expect(await gate.check('link-a', 'pw')).toMatchObject({ ok: false, locked: true });
    // Another link is not affected.
    expect((await gate.check('link-b', 'pw')).ok).toBe(true);
    for (let i = LOCKOUT.freeFailures + 2; i <= LOCKOUT.lockAfter; i++) {
      now += 60_000;
      await gate.check('link-a', 'x');
    }
    now += 1000;
    const locked = await gate.check('link-a', 'pw');
    expect(locked).toMatchObject({ ok: false, locked: true });
    expect(!locked.ok && locked.retryAfterMs).toBeGreaterThan(60_000);
    now += LOCKOUT.lockMs;
    const ok = await gate.check('link-a', 'pw');
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(gate.checkGrant('link-a', ok.grant)).toBe(true);
      expect(gate.checkGrant('link-b', ok.grant)).toBe(false);
    }
  });

  it('a burst of guesses on one link cannot outrun the lockout', async () => {
    const gate = new PasswordGate(await hashPassword('pw'));
    const results = await Promise.all([...Array.from({ length: 30 }, (_, i) => gate.check('link', `wrong-${i}`)), gate.check('link', 'pw')]);
    const checkedWrong = results.filter((r) => !r.ok && !r.locked).length;
    expect(checkedWrong).toBeLessThanOrEqual(LOCKOUT.freeFailures + 1);
    expect(results.at(-1)!.ok).toBe(false);
  });
});
