import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { hashSecret, newSecret, redact, tokenPrefix } from './secrets.js';

describe('secrets', () => {
  it('mints shr_ tokens with at least 128 random bits', () => {
    const token = newSecret('shr_');
    expect(token).toMatch(/^shr_[A-Za-z0-9_-]{32}$/); // 24 bytes = 192 bits
    expect(new Set(Array.from({ length: 100 }, () => newSecret('shr_'))).size).toBe(100);
    expect(tokenPrefix(token)).toBe(token.slice(0, 12));
    expect(hashSecret(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('redacts tokens, keys and share URLs from every log line', () => {
    const lines: string[] = [];
    const log = createLogger('t', 'debug', {}, (line) => lines.push(line));
    const token = newSecret('shr_');
    log.info(`minted ${token}`, { key: newSecret('tlk_'), url: `http://x/share/${token.slice(4)}`, nested: { m: newSecret('tlm_') } });
    expect(lines[0]).not.toContain(token.slice(4));
    expect(lines[0]).not.toMatch(/tlk_[A-Za-z0-9_-]{8}/);
    expect(lines[0]).not.toMatch(/tlm_[A-Za-z0-9_-]{8}/);
    expect(redact('x shr_abcdefgh y')).toBe('x shr_…redacted y');
  });
});
