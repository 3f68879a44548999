import { describe, expect, it } from 'vitest';
import { safeHttpUrl, sanitizeTitle } from './safeText.js';

describe('safeText', () => {
  it('strips control characters from titles and caps them', () => {
    expect(sanitizeTitle('  vim\u0007 \u001b[31m<b>x</b>  ')).toBe('vim [31m<b>x</b>');
    expect(sanitizeTitle('a'.repeat(500))).toHaveLength(120);
  });

  it('allows only http(s) links', () => {
    expect(safeHttpUrl('https://example.org/a')).toBe('https://example.org/a');
    expect(safeHttpUrl('http://x.test')).toBe('http://x.test/');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
    expect(safeHttpUrl('file:///etc/passwd')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
  });
});
