// The bar's menu: font size, theme, screen-reader mode, the key bar, paste,
// "use my window size" and copy/paste help. A disclosure (button + panel):
// Tab moves through it, Esc or a click outside closes it.
import { useEffect, useId, useRef, useState } from 'react';
import { FONT_SIZE, type ThemePref } from '../prefs/prefs.js';

export interface SessionMenuProps {
  fontSize: number;
  onFontSize: (size: number) => void;
  theme: ThemePref;
  onTheme: (theme: ThemePref) => void;
  screenReader: boolean;
  onScreenReader: (on: boolean) => void;
  keyBar: boolean;
  onKeyBar: (on: boolean) => void;
  /** Null when the page cannot paste (view only, no clipboard API). */
  onPaste: (() => void) | null;
  /** Null on view-only links (they never resize the shell). */
  onUseMySize: (() => void) | null;
  live: boolean;
  isMac: boolean;
}

const THEMES: { value: ThemePref; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SessionMenu(props: SessionMenuProps) {
  const { fontSize, onFontSize, theme, onTheme, screenReader, onScreenReader, keyBar, onKeyBar, onPaste, onUseMySize, live, isMac } = props;
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const mod = isMac ? '⌘' : 'Ctrl+Shift+';
  return (
    <div className="menu" ref={rootRef}>
      <button ref={buttonRef} type="button" aria-expanded={open} aria-controls={panelId} data-testid="menu-button" onClick={() => setOpen(!open)}>
        Menu
      </button>
      {open && (
        <div className="menu-panel" id={panelId} data-testid="menu-panel">
          <div className="row" role="group" aria-label="Font size">
            <span>Font size</span>
            <button type="button" aria-label="Smaller font" disabled={fontSize <= FONT_SIZE.min} onClick={() => onFontSize(fontSize - 1)}>
              −
            </button>
            <span className="font-size" data-testid="font-size" aria-live="polite">
              {fontSize}px
            </span>
            <button type="button" aria-label="Larger font" disabled={fontSize >= FONT_SIZE.max} onClick={() => onFontSize(fontSize + 1)}>
              +
            </button>
          </div>
          <fieldset className="row">
            <legend>Theme</legend>
            {THEMES.map(({ value, label }) => (
              <label key={value}>
                <input type="radio" name={`${panelId}-theme`} value={value} checked={theme === value} onChange={() => onTheme(value)} /> {label}
              </label>
            ))}
          </fieldset>
          <label className="row">
            <input type="checkbox" data-testid="screen-reader" checked={screenReader} onChange={(e) => onScreenReader(e.target.checked)} /> Screen reader mode
          </label>
          <label className="row">
            <input type="checkbox" data-testid="show-key-bar" checked={keyBar} onChange={(e) => onKeyBar(e.target.checked)} /> Extra keys bar
          </label>
          <div className="row">
            {onPaste && (
              <button type="button" data-testid="menu-paste" onClick={() => (setOpen(false), onPaste())}>
                Paste
              </button>
            )}
            {onUseMySize && (
              <button type="button" data-testid="use-my-size" disabled={!live} onClick={onUseMySize} title="Resize the shared terminal to fit this window">
                Use my window size
              </button>
            )}
          </div>
          <p className="help small">
            Copy: select text (or {mod}C). Paste: {mod}V or right click. Full screen lets Ctrl+W, Ctrl+T and Ctrl+N reach the shell where the browser
            allows it.
          </p>
        </div>
      )}
    </div>
  );
}
