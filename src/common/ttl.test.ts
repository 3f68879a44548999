import { describe, expect, it } from 'vitest';
import { MAX_TTL_HOURS, checkTtlHours, expiryFor, parseTtl } from './ttl.js';

describe('parseTtl', () => {
  const table: Array<[string, number]> = [
    ['4h', 4],
    ['90m', 2],
    ['1s', 1],
    ['1h30m', 2],
    ['2d', 48],
    ['3600s', 1],
    ['3601s', 2],
    ['4', 4],
    ['24', 24],
    ['0', 0],
    ['1d1h1m1s', 26],
    [' 4H ', 4],
    ['366d', MAX_TTL_HOURS],
  ];
  it.each(table)('%s → %i hours', (input, hours) => {
    expect(parseTtl(input)).toEqual({ ok: true, hours });
  });

  it.each(['', '   ', '-1', '-4h', '4x', 'h', '1.5', '4h4h', '0h', '0m', '0s', '0d0h', 'm30', '1m1h', '367d', '99999999999999999999', 'abc', '4 h'])(
    'rejects %j naming the accepted forms',
    (input) => {
      const result = parseTtl(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/accepted forms: .*4h.*90m.*1h30m.*2d.*3600s/);
    },
  );
});

describe('checkTtlHours', () => {
  it('takes whole hours 0..max', () => {
    expect(checkTtlHours(0)).toEqual({ ok: true, hours: 0 });
    expect(checkTtlHours(4)).toEqual({ ok: true, hours: 4 });
    for (const bad of [-1, -0, 1.5, '4', null, MAX_TTL_HOURS + 1, Number.NaN]) expect(checkTtlHours(bad).ok).toBe(false);
  });
});

describe('expiryFor', () => {
  it('is creation (to the second) plus whole hours, null for never', () => {
    const now = Date.parse('2026-12-03T14:22:37.845Z');
    expect(expiryFor(now, 2)).toBe('2026-12-03T16:22:37.000Z');
    expect(expiryFor(now, 0)).toBeNull();
  });
});
