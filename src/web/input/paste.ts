// Pasted text made safe for the shell: the bracketed-paste markers are removed
// before xterm wraps the text in them, so a paste can never end bracketed paste
// early and have the rest run as typed commands; long pastes ask first.

/** ESC[200~ / ESC[201~ and their 8-bit CSI forms (0x9b). */
// eslint-disable-next-line no-control-regex
const BRACKET_MARKERS = /(?:\u001b\[|\u009b)20[01]~/g;

/** Paste with every bracketed-paste marker removed (repeatedly: `ESC[20ESC[201~1~` must not reassemble one). */
export function sanitizePaste(text: string): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = current.replace(BRACKET_MARKERS, '');
  } while (current !== previous);
  return current;
}

/** Above either limit a paste asks for confirmation first. */
export const PASTE_CONFIRM = { lines: 5, bytes: 10 * 1024 } as const;

/** Whether a paste is long enough to ask "paste N lines?" before sending. */
export function pasteNeedsConfirm(text: string): boolean {
  if (text.length > PASTE_CONFIRM.bytes || new TextEncoder().encode(text).byteLength > PASTE_CONFIRM.bytes) return true;
  return countLines(text) > PASTE_CONFIRM.lines;
}

/** Lines in a paste (a trailing newline does not start another line). */
export function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(text) ? breaks : breaks + 1;
}
