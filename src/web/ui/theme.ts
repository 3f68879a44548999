// Light or dark: the person's choice, else the system's (prefers-color-scheme),
// for the page (a data-theme attribute the CSS reads) and the terminal alike.
import { useEffect, useState } from 'react';
import { resolveTheme, type ThemePref } from '../prefs/prefs.js';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Put the choice on <html> (before first paint, from main.tsx, and on every change). */
export function applyThemeAttribute(pref: ThemePref): void {
  if (pref === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = pref;
}

export function useResolvedTheme(pref: ThemePref): 'light' | 'dark' {
  const [systemDark, setSystemDark] = useState(() => window.matchMedia(DARK_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const update = () => setSystemDark(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  useEffect(() => applyThemeAttribute(pref), [pref]);
  return resolveTheme(pref, systemDark);
}
