import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, clampFontSize, parsePrefs, resolveTheme } from './prefs.js';

describe('prefs', () => {
  it('reads stored prefs defensively', () => {
    expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('not json')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('"str"')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('{"fontSize":18,"theme":"light","screenReader":true,"keyBar":false}')).toEqual({
      fontSize: 18,
      theme: 'light',
      screenReader: true,
      keyBar: false,
    });
    expect(parsePrefs('{"fontSize":999,"theme":"<b>","screenReader":"yes"}')).toEqual({ ...DEFAULT_PREFS, fontSize: 32 });
  });

  it('clamps font sizes', () => {
    expect(clampFontSize(3)).toBe(8);
    expect(clampFontSize(13.6)).toBe(14);
    expect(clampFontSize(Number.NaN)).toBe(14);
  });

  it('follows the system unless the person chose', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
