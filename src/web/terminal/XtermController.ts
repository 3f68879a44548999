// Owns the xterm Terminal and its add-ons: writes, resets, the PTY grid, font
// size, theme and the e2e screen reader. Imperative on purpose (the Teleport
// pattern): React mounts it once; it never touches the socket.
import { FitAddon } from '@xterm/addon-fit';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type IDisposable, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { SCROLLBACK_LINES } from '../../common/limits.js';
import { clampGrid } from '../../common/protocol.js';
import type { TerminalSink } from '../session/outputStream.js';
import { openExternal, sanitizeTitle } from './safeText.js';

const FONT_FAMILY = 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
export const FONT_SIZE = { min: 8, max: 32, initial: 14 } as const;

const DARK: ITheme = { background: '#14161a', foreground: '#d8dde3', cursor: '#d8dde3', selectionBackground: '#3a4a63' };
const LIGHT: ITheme = { background: '#fbfbfa', foreground: '#1d2126', cursor: '#1d2126', selectionBackground: '#b7cdea' };

export class XtermController implements TerminalSink {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly disposables: IDisposable[] = [];
  private readonly darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
  private disposed = false;

  constructor(host: HTMLElement) {
    const linkHandler = { activate: (_event: MouseEvent, uri: string) => openExternal(uri), allowNonHttpProtocols: false };
    this.terminal = new Terminal({
      allowProposedApi: true, // unicode11's activeVersion is a proposed API
      scrollback: SCROLLBACK_LINES,
      minimumContrastRatio: 4.5,
      fontFamily: FONT_FAMILY,
      fontSize: FONT_SIZE.initial,
      cursorBlink: false, // no timers for a blinking cursor
      linkHandler, // OSC 8 hyperlinks: http(s) only
      theme: this.darkQuery.matches ? DARK : LIGHT,
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.loadAddon(new WebLinksAddon((_event, uri) => openExternal(uri)));
    this.terminal.loadAddon(new Unicode11Addon());
    this.terminal.unicode.activeVersion = '11';
    this.terminal.open(host);
    this.disposables.push(
      this.terminal.onTitleChange((title) => {
        const clean = sanitizeTitle(title);
        document.title = clean === '' ? 'termlink' : clean;
      }),
    );
    const onScheme = () => (this.terminal.options.theme = this.darkQuery.matches ? DARK : LIGHT);
    this.darkQuery.addEventListener('change', onScheme);
    this.disposables.push({ dispose: () => this.darkQuery.removeEventListener('change', onScheme) });
  }

  write(data: Uint8Array, done: () => void): void {
    if (this.disposed) return;
    this.terminal.write(data, done);
  }

  reset(): void {
    if (!this.disposed) this.terminal.reset();
  }

  /** Render exactly the PTY grid; the page letterboxes or scrolls around it. */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    const grid = clampGrid(cols, rows);
    if (grid.cols !== this.terminal.cols || grid.rows !== this.terminal.rows) this.terminal.resize(grid.cols, grid.rows);
  }

  /** The grid that would fill the terminal area now (fit add-on, measuring only). */
  proposeSize(): { cols: number; rows: number } {
    const proposed = this.disposed ? undefined : this.fit.proposeDimensions();
    if (!proposed || !Number.isFinite(proposed.cols) || !Number.isFinite(proposed.rows)) return { cols: 80, rows: 24 };
    return clampGrid(proposed.cols, proposed.rows);
  }

  get fontSize(): number {
    return this.terminal.options.fontSize ?? FONT_SIZE.initial;
  }

  setFontSize(size: number): void {
    this.terminal.options.fontSize = Math.min(FONT_SIZE.max, Math.max(FONT_SIZE.min, size));
  }

  onInput(handler: (data: string | Uint8Array) => void): IDisposable {
    const onData = this.terminal.onData((text) => handler(text));
    // onBinary carries raw bytes as a binary string (some mouse reports).
    const onBinary = this.terminal.onBinary((bin) => handler(Uint8Array.from(bin, (c) => c.charCodeAt(0) & 0xff)));
    return { dispose: () => (onData.dispose(), onBinary.dispose()) };
  }

  focus(): void {
    if (!this.disposed) this.terminal.focus();
  }

  /** The rows in the viewport as text (e2e tests assert on this, not on pixels). */
  screenText(): string {
    if (this.disposed) return '';
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = buffer.viewportY; y < buffer.viewportY + this.terminal.rows; y++) {
      lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    }
    return lines.join('\n');
  }

  /** Every line the terminal holds, scrollback included (tests check for gaps and duplicates). */
  allText(): string {
    if (this.disposed) return '';
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** 'normal' or 'alternate' (full-screen programs). */
  bufferType(): string {
    return this.terminal.buffer.active.type;
  }

  grid(): { cols: number; rows: number } {
    return { cols: this.terminal.cols, rows: this.terminal.rows };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.terminal.dispose();
  }
}
