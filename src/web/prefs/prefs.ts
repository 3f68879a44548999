// What this browser remembers for every link (localStorage, never the server):
// font size, theme, screen-reader mode, the phone key bar. Storage can be off
// (private windows, policies): then defaults apply and nothing throws.

export type ThemePref = 'system' | 'light' | 'dark';

export interface Prefs {
  fontSize: number;
  theme: ThemePref;
  screenReader: boolean;
  /** null: show the key bar on touch devices only. */
  keyBar: boolean | null;
}

export const FONT_SIZE = { min: 8, max: 32, initial: 14 } as const;

const KEY = 'termlink.prefs.v1';

export const DEFAULT_PREFS: Prefs = { fontSize: FONT_SIZE.initial, theme: 'system', screenReader: false, keyBar: null };

export function clampFontSize(size: number): number {
  if (!Number.isFinite(size)) return FONT_SIZE.initial;
  return Math.min(FONT_SIZE.max, Math.max(FONT_SIZE.min, Math.round(size)));
}

/** Prefs from stored JSON, every field checked (the store is shared with whatever else ran on this origin). */
export function parsePrefs(raw: string | null): Prefs {
  if (!raw) return DEFAULT_PREFS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return DEFAULT_PREFS;
  }
  if (typeof value !== 'object' || value === null) return DEFAULT_PREFS;
  const v = value as Record<string, unknown>;
  return {
    fontSize: typeof v.fontSize === 'number' ? clampFontSize(v.fontSize) : DEFAULT_PREFS.fontSize,
    theme: v.theme === 'light' || v.theme === 'dark' || v.theme === 'system' ? v.theme : DEFAULT_PREFS.theme,
    screenReader: v.screenReader === true,
    keyBar: typeof v.keyBar === 'boolean' ? v.keyBar : null,
  };
}

/** Which palette to use: the person's choice, else the system's. */
export function resolveTheme(pref: ThemePref, systemDark: boolean): 'light' | 'dark' {
  return pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
}

export function loadPrefs(): Prefs {
  try {
    return parsePrefs(window.localStorage.getItem(KEY));
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(prefs: Prefs): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Storage off: the choice lasts for this page only.
  }
}
