import { describe, expect, it } from 'vitest';
import { applyModifiers, barKeySequence, clipboardKeyAction, controlChar, type KeyLike } from './keys.js';

const key = (code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  type: 'keydown',
  code,
  key: code.replace('Key', '').toLowerCase(),
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('clipboardKeyAction', () => {
  it('Ctrl+Shift+C copies, Ctrl+Shift+V uses the browser paste, Ctrl+C/V go to the shell', () => {
    expect(clipboardKeyAction(key('KeyC', { ctrlKey: true, shiftKey: true }), false)).toBe('copy');
    expect(clipboardKeyAction(key('KeyV', { ctrlKey: true, shiftKey: true }), false)).toBe('native');
    expect(clipboardKeyAction(key('KeyC', { ctrlKey: true }), false)).toBe('terminal');
    expect(clipboardKeyAction(key('KeyV', { ctrlKey: true }), false)).toBe('terminal');
    expect(clipboardKeyAction(key('KeyW', { ctrlKey: true }), false)).toBe('terminal');
  });

  it('on macOS Cmd+C/V are the clipboard and Ctrl+C stays an interrupt', () => {
    expect(clipboardKeyAction(key('KeyC', { metaKey: true }), true)).toBe('native');
    expect(clipboardKeyAction(key('KeyV', { metaKey: true }), true)).toBe('native');
    expect(clipboardKeyAction(key('KeyC', { ctrlKey: true }), true)).toBe('terminal');
  });
});

describe('sticky modifiers', () => {
  it('maps control characters like a terminal', () => {
    expect(controlChar('w')).toBe('\x17');
    expect(controlChar('C')).toBe('\x03');
    expect(controlChar(' ')).toBe('\x00');
    expect(controlChar('[')).toBe('\x1b');
    expect(controlChar('?')).toBe('\x7f');
    expect(controlChar('é')).toBeNull();
  });

  it('applies Ctrl and Alt to the first character only', () => {
    expect(applyModifiers('c', { ctrl: true, alt: false })).toBe('\x03');
    expect(applyModifiers('b', { ctrl: false, alt: true })).toBe('\x1bb');
    expect(applyModifiers('x', { ctrl: true, alt: true })).toBe('\x1b\x18');
    expect(applyModifiers('hello', { ctrl: false, alt: false })).toBe('hello');
    expect(applyModifiers('🙂a', { ctrl: true, alt: false })).toBe('🙂a');
  });

  it('sends arrows as xterm does, with modifiers and application cursor mode', () => {
    expect(barKeySequence('ArrowUp', { ctrl: false, alt: false }, false)).toBe('\x1b[A');
    expect(barKeySequence('ArrowUp', { ctrl: false, alt: false }, true)).toBe('\x1bOA');
    expect(barKeySequence('ArrowLeft', { ctrl: true, alt: false }, false)).toBe('\x1b[1;5D');
    expect(barKeySequence('Escape', { ctrl: false, alt: false }, false)).toBe('\x1b');
    expect(barKeySequence('Tab', { ctrl: false, alt: false }, false)).toBe('\t');
    expect(barKeySequence('|', { ctrl: false, alt: false }, false)).toBe('|');
    expect(barKeySequence('/', { ctrl: false, alt: true }, false)).toBe('\x1b/');
  });
});
