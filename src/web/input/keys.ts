// Keyboard decisions that xterm does not make for us: which combinations are
// clipboard shortcuts (Ctrl+Shift+C/V, Cmd+C/V on macOS) and what the phone key
// bar's keys and sticky Ctrl/Alt send. Pure, so it is unit tested.

/** The parts of a KeyboardEvent the decision needs. */
export interface KeyLike {
  type: string;
  code: string;
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/**
 * What the page does with a key before xterm sees it:
 * - `copy`: copy the selection ourselves and keep the browser from acting (Ctrl+Shift+C opens dev tools in Chrome);
 * - `native`: xterm leaves it alone and the browser's own copy/paste event follows (xterm and the paste guard handle that);
 * - `terminal`: xterm turns it into bytes as usual (Ctrl+W → 0x17, Ctrl+Space → NUL, …).
 */
export type KeyAction = 'copy' | 'native' | 'terminal';

export function clipboardKeyAction(ev: KeyLike, isMac: boolean): KeyAction {
  if (ev.code !== 'KeyC' && ev.code !== 'KeyV') return 'terminal';
  const copy = ev.code === 'KeyC';
  if (isMac) {
    // Cmd+C / Cmd+V: the browser's copy and paste events (xterm passes Cmd combinations through).
    return ev.metaKey && !ev.ctrlKey && !ev.altKey ? 'native' : 'terminal';
  }
  if (ev.ctrlKey && ev.shiftKey && !ev.altKey && !ev.metaKey) {
    // Ctrl+Shift+V is the browser's "paste as plain text": its paste event reaches the paste guard.
    return copy ? 'copy' : 'native';
  }
  return 'terminal';
}

/** Sticky modifiers from the key bar, applied to the next key. */
export interface Modifiers {
  ctrl: boolean;
  alt: boolean;
}

export const NO_MODIFIERS: Modifiers = { ctrl: false, alt: false };

/** The control character for `char` (Ctrl+A → 0x01, Ctrl+Space → NUL, Ctrl+? → DEL), or null. */
export function controlChar(char: string): string | null {
  if (char.length !== 1) return null;
  const upper = char.toUpperCase();
  const code = upper.charCodeAt(0);
  if (code >= 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40); // @ A–Z [ \ ] ^ _
  if (char === ' ' || char === '2') return '\x00';
  if (char === '?' || char === '8') return '\x7f';
  if (char >= '3' && char <= '7') return String.fromCharCode(char.charCodeAt(0) - 0x33 + 0x1b); // like xterm: Ctrl+3 = ESC …
  return null;
}

/** Typed text with sticky modifiers applied to its first character (soft keyboards send one at a time). */
export function applyModifiers(data: string, mods: Modifiers): string {
  if ((!mods.ctrl && !mods.alt) || data === '') return data;
  const first = String.fromCodePoint(data.codePointAt(0)!);
  const rest = data.slice(first.length);
  const ctrl = mods.ctrl ? (controlChar(first) ?? first) : first;
  return (mods.alt ? '\x1b' : '') + ctrl + rest;
}

/** Keys of the phone key bar that are not plain characters. */
export type BarKey = 'Escape' | 'Tab' | 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End' | 'PageUp' | 'PageDown';

const ARROW: Record<string, string> = { ArrowUp: 'A', ArrowDown: 'B', ArrowRight: 'C', ArrowLeft: 'D', Home: 'H', End: 'F' };

/** The bytes a key-bar key sends, as xterm would send the physical key. */
export function barKeySequence(key: BarKey | string, mods: Modifiers, applicationCursor: boolean): string {
  const modParam = 1 + (mods.alt ? 2 : 0) + (mods.ctrl ? 4 : 0); // xterm's modifier encoding
  const final = ARROW[key];
  if (final) {
    if (modParam > 1) return `\x1b[1;${modParam}${final}`;
    return applicationCursor ? `\x1bO${final}` : `\x1b[${final}`;
  }
  switch (key) {
    case 'Escape':
      return mods.alt ? '\x1b\x1b' : '\x1b';
    case 'Tab':
      return mods.alt ? '\x1b\t' : '\t';
    case 'PageUp':
      return modParam > 1 ? `\x1b[5;${modParam}~` : '\x1b[5~';
    case 'PageDown':
      return modParam > 1 ? `\x1b[6;${modParam}~` : '\x1b[6~';
    default:
      return applyModifiers(key, mods);
  }
}
