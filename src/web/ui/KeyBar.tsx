// The phone and tablet key bar: keys soft keyboards lack, with sticky Ctrl and
// Alt that apply to the next key typed anywhere. Buttons never take focus from
// the terminal, so the soft keyboard stays open.
import type { MouseEvent } from 'react';
import type { Modifiers } from '../input/keys.js';

export interface KeyBarProps {
  modifiers: Modifiers;
  onToggle: (modifier: keyof Modifiers) => void;
  onKey: (key: string) => void;
  onPaste: (() => void) | null;
}

const KEYS: { key: string; label: string; name: string }[] = [
  { key: 'Escape', label: 'Esc', name: 'Escape' },
  { key: 'Tab', label: 'Tab', name: 'Tab' },
  { key: 'ArrowLeft', label: '←', name: 'Left arrow' },
  { key: 'ArrowUp', label: '↑', name: 'Up arrow' },
  { key: 'ArrowDown', label: '↓', name: 'Down arrow' },
  { key: 'ArrowRight', label: '→', name: 'Right arrow' },
  { key: '|', label: '|', name: 'Pipe' },
  { key: '~', label: '~', name: 'Tilde' },
  { key: '/', label: '/', name: 'Slash' },
  { key: '-', label: '-', name: 'Dash' },
];

const keepFocus = (event: MouseEvent) => event.preventDefault();

export function KeyBar({ modifiers, onToggle, onKey, onPaste }: KeyBarProps) {
  return (
    <div className="key-bar" role="toolbar" aria-label="Extra keys" data-testid="key-bar">
      {(['ctrl', 'alt'] as const).map((mod) => (
        <button
          key={mod}
          type="button"
          className="sticky"
          aria-pressed={modifiers[mod]}
          data-testid={`key-${mod}`}
          onMouseDown={keepFocus}
          onClick={() => onToggle(mod)}
        >
          {mod === 'ctrl' ? 'Ctrl' : 'Alt'}
        </button>
      ))}
      {KEYS.map(({ key, label, name }) => (
        <button key={key} type="button" aria-label={name} data-testid={`key-${name.toLowerCase().replace(/ /g, '-')}`} onMouseDown={keepFocus} onClick={() => onKey(key)}>
          {label}
        </button>
      ))}
      {onPaste && (
        <button type="button" data-testid="key-paste" onMouseDown={keepFocus} onClick={onPaste}>
          Paste
        </button>
      )}
    </div>
  );
}
