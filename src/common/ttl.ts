// TTL rules for share links (the product spec): whole hours, smaller units round
// UP, 0 means never expires. Pure, shared by CLI, relay and agent tool.

/** Default link lifetime when none is given. */
export const DEFAULT_TTL_HOURS = 24;
/** Longest finite lifetime accepted (one year); longer is almost surely a typo. */
export const MAX_TTL_HOURS = 24 * 366;

export const TTL_FORMS_HELP =
  'accepted forms: a whole number of hours (4), or units d/h/m/s in that order (4h, 90m, 1h30m, 2d, 3600s); 0 = never expires; at most 366d';

export type TtlResult = { ok: true; hours: number } | { ok: false; error: string };

const UNIT_SECONDS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** Parse a TTL string into whole hours (rounded up). `hours: 0` means never. */
export function parseTtl(input: string): TtlResult {
  const text = input.trim().toLowerCase();
  const bad = (why: string): TtlResult => ({ ok: false, error: `invalid TTL ${JSON.stringify(input)}: ${why}; ${TTL_FORMS_HELP}` });
  if (text === '') return bad('empty');
  if (text.startsWith('-')) return bad('negative');
  if (/^\d+$/.test(text)) return checkHours(Number(text), bad);
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || match.slice(1).every((part) => part === undefined)) return bad('not a duration');
  let seconds = 0;
  ['d', 'h', 'm', 's'].forEach((unit, i) => {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * UNIT_SECONDS[unit];
  });
  if (!Number.isSafeInteger(seconds)) return bad('too large');
  // Only a bare 0 means "never": a zero duration like 0m is more likely a slip.
  if (seconds === 0) return bad('a zero duration (write 0 for a link that never expires)');
  return checkHours(Math.ceil(seconds / 3600), bad);
}

function checkHours(hours: number, bad: (why: string) => TtlResult): TtlResult {
  if (!Number.isSafeInteger(hours) || hours > MAX_TTL_HOURS) return bad('too large');
  return { ok: true, hours };
}

/** Validate a numeric `ttl_hours` (agent tool, HTTP API): a whole number 0..MAX. */
export function checkTtlHours(value: unknown): TtlResult {
  // -0 is "negative" as the CLI reads it: it must not become "never expires".
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || Object.is(value, -0) || value > MAX_TTL_HOURS) {
    return { ok: false, error: `ttl_hours must be a whole number from 0 (never) to ${MAX_TTL_HOURS}` };
  }
  return { ok: true, hours: value };
}

/** When a link minted at `nowMs` with `hours` expires: ISO string, or null for never. */
export function expiryFor(nowMs: number, hours: number): string | null {
  if (hours === 0) return null;
  const createdSecond = Math.floor(nowMs / 1000) * 1000;
  return new Date(createdSecond + hours * 3_600_000).toISOString();
}

/** Milliseconds until the next whole hour after `nowMs` (for the hourly sweep). */
export function msUntilNextHour(nowMs: number): number {
  return 3_600_000 - (nowMs % 3_600_000);
}

/** Short human "time left": 23h 59m, 4m 10s, expired. */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const totalSeconds = Math.floor(ms / 1000);
  const d = Math.floor(totalSeconds / 86400);
  const h = Math.floor((totalSeconds % 86400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
