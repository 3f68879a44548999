// Text from IMEs and soft keyboards (everything that is not a plain key press),
// sent by keeping the shell in step with xterm's hidden textarea instead of by
// xterm.js's CompositionHelper, which loses and duplicates text:
// - it reads a finished composition from the textarea a tick later (setTimeout 0),
//   "picking up any characters after the composition"; Chromium runs input before
//   timers, so when a keyboard commits a word and then a space (Gboard, every word),
//   the space goes out at once through xterm's input handler and again with the
//   late read: " the" or "the  ";
// - it assumes a composition only appends at the end of the textarea, so when a
//   keyboard edits text it already committed (a suggestion tapped for the previous
//   word, an accent added to it, double space → ". ") the shell never gets the edit;
// - in screen-reader mode it ignores inserted text (emoji keyboards, dictation).
// Here, whenever a composition ends or the field changes outside one, the shell gets
// the keystrokes that turn what it was sent into what the field now holds: one DEL
// per character from the first difference, then the rest. Keys stay xterm's.
import type { IDisposable, Terminal } from '@xterm/xterm';

/** The keystrokes that turn `before` into `after` at the end of a line: erase back to the first difference, retype. */
export function retype(before: string, after: string): string {
  const old = [...before]; // code points: the tty (IUTF8) and readline erase one character per DEL
  const next = [...after];
  let same = 0;
  while (same < old.length && same < next.length && old[same] === next[same]) same++;
  return '\x7f'.repeat(old.length - same) + next.slice(same).join('');
}

/** Field changes that are not typing: pastes go through the paste guard, Enter is xterm's key. */
const NOT_TYPED = new Set(['insertFromPaste', 'insertFromPasteAsQuotation', 'insertFromDrop', 'insertFromYank', 'insertLineBreak', 'insertParagraph', 'historyUndo', 'historyRedo']);

export function attachTextInput(terminal: Terminal, host: HTMLElement): IDisposable {
  const textarea = terminal.textarea;
  if (!textarea) return { dispose() {} };
  const view = host.querySelector<HTMLElement>('.composition-view');
  let synced = textarea.value; // the field's text as the shell has it
  let composing = false;
  // A real key is down: xterm sends it itself, and in screen-reader mode lets it change the field too
  // (letters, Backspace), so changes until its keyup are not sent again (xterm's own rule for input events).
  let keyDown = false;

  const sync = () => {
    const edit = retype(synced, textarea.value);
    synced = textarea.value;
    if (edit !== '') terminal.input(edit, true); // the typed-input path: view-only and sticky keys apply
  };
  // xterm rewrites the field itself (Enter, Ctrl+C, blur, Linux selection): go on from what is there.
  const rebase = () => (synced = textarea.value);
  const preview = (text: string) => {
    if (!view) return;
    view.textContent = text;
    view.classList.toggle('active', text !== '');
    Object.assign(view.style, {
      left: textarea.style.left, // xterm keeps the field at the cursor, where the IME puts its window
      top: textarea.style.top,
      height: textarea.style.height,
      lineHeight: textarea.style.height,
      fontFamily: terminal.options.fontFamily ?? '',
      fontSize: `${terminal.options.fontSize}px`,
    });
  };

  /** Capture on an ancestor runs before xterm's listeners on the field; `true` keeps the event from xterm. */
  const capture: Record<string, (ev: Event) => boolean> = {
    compositionstart: () => {
      if (!composing) rebase();
      composing = true;
      return true;
    },
    compositionupdate: (ev) => (preview((ev as CompositionEvent).data), true),
    compositionend: () => {
      composing = false;
      preview('');
      sync();
      return true;
    },
    beforeinput: (ev) => {
      if (!composing && !(ev as InputEvent).isComposing) rebase();
      return false;
    },
    input: (ev) => {
      const input = ev as InputEvent;
      if (composing || input.isComposing) return true;
      if (keyDown || NOT_TYPED.has(input.inputType)) rebase();
      else sync();
      return true;
    },
    keydown: (ev) => {
      if ((ev as KeyboardEvent).keyCode === 229) return true; // the IME's: its text arrives as input or composition
      keyDown = true;
      if (composing) sync(); // a key the IME did not take ends the composition: its text goes first
      return false;
    },
    keyup: () => ((keyDown = false), false),
    blur: () => ((keyDown = false), false), // its keyup goes elsewhere
  };
  const listeners = Object.entries(capture).map(([type, handle]) => {
    const listener = (ev: Event) => {
      if (ev.target === textarea && handle(ev)) ev.stopImmediatePropagation();
    };
    host.addEventListener(type, listener, true);
    return () => host.removeEventListener(type, listener, true);
  });
  return { dispose: () => listeners.forEach((remove) => remove()) };
}
