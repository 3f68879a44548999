// Owns the xterm Terminal and its add-ons: writes, resets, the PTY grid, font
// size, theme, renderer, the guarded clipboard and links, and the e2e screen
// reader. Imperative on purpose (the Teleport pattern): React mounts it once; it
// never touches the socket. What needs a person's say (a long paste, opening a
// link) goes out through TerminalHooks.
import { FitAddon } from '@xterm/addon-fit';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type IDisposable, type ILinkHandler } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { SCROLLBACK_LINES } from '../../common/limits.js';
import { clampGrid } from '../../common/protocol.js';
import { pasteNeedsConfirm, sanitizePaste } from '../input/paste.js';
import { FONT_SIZE, clampFontSize } from '../prefs/prefs.js';
import type { TerminalSink } from '../session/outputStream.js';
import { attachClipboard } from './clipboard.js';
import { attachPinchZoom } from './pinch.js';
import { attachTextInput } from './textInput.js';
import { loadBestRenderer, type RendererKind } from './renderer.js';
import { safeHttpUrl, sanitizeTitle } from './safeText.js';
import { DARK, LIGHT } from './themes.js';

export { FONT_SIZE };

const FONT_FAMILY = 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

/** What the terminal asks of the page around it. */
export interface TerminalHooks {
  /** A long paste (already sanitised): resolve true to send it. */
  confirmPaste(text: string): Promise<boolean>;
  /** An http(s) link was clicked: show its real target and open it only if the person agrees. */
  openLink(url: string): void;
  /** The pointer is over a link (its real target), or left it (null). */
  hoverLink(url: string | null): void;
  /** A short message for the person. */
  notify(text: string): void;
  /** The font size changed from inside the terminal (pinch). */
  fontSizeChanged(size: number): void;
}

export interface ControllerOptions {
  fontSize: number;
  theme: 'light' | 'dark';
  screenReader: boolean;
  readOnly: boolean;
  hooks: TerminalHooks;
}

export class XtermController implements TerminalSink {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly disposables: IDisposable[] = [];
  private readonly hooks: TerminalHooks;
  private rendererKind: RendererKind = 'dom';
  private disposed = false;

  constructor(host: HTMLElement, options: ControllerOptions) {
    this.hooks = options.hooks;
    const linkHandler: ILinkHandler = {
      activate: (_event, uri) => this.activateLink(uri),
      hover: (_event, uri) => this.hooks.hoverLink(safeHttpUrl(uri)),
      leave: () => this.hooks.hoverLink(null),
      allowNonHttpProtocols: false, // OSC 8 to javascript:, data:, file: … is not even a link
    };
    this.terminal = new Terminal({
      allowProposedApi: true, // unicode11's activeVersion is a proposed API
      scrollback: SCROLLBACK_LINES,
      minimumContrastRatio: 4.5,
      fontFamily: FONT_FAMILY,
      fontSize: clampFontSize(options.fontSize),
      cursorBlink: false, // no timers for a blinking cursor
      macOptionIsMeta: true, // Option+B etc. reach readline as Meta, as in a native terminal
      macOptionClickForcesSelection: true, // select even while tmux/vim take the mouse
      rightClickSelectsWord: false,
      screenReaderMode: options.screenReader,
      disableStdin: options.readOnly,
      linkHandler, // OSC 8 hyperlinks: http(s) only, confirmed first
      theme: options.theme === 'dark' ? DARK : LIGHT,
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.loadAddon(
      new WebLinksAddon((_event, uri) => this.activateLink(uri), {
        hover: (_event, uri) => this.hooks.hoverLink(safeHttpUrl(uri)),
        leave: () => this.hooks.hoverLink(null),
      }),
    );
    this.terminal.loadAddon(new Unicode11Addon());
    this.terminal.unicode.activeVersion = '11';
    this.terminal.open(host);
    this.disposables.push(
      this.terminal.onTitleChange((title) => {
        const clean = sanitizeTitle(title);
        document.title = clean === '' ? 'termlink' : clean;
      }),
      attachClipboard(this.terminal, host, { paste: (text) => void this.paste(text), notify: (text) => this.hooks.notify(text) }),
      attachPinchZoom(
        host,
        () => this.fontSize,
        (size) => {
          this.setFontSize(size);
          this.hooks.fontSizeChanged(this.fontSize);
        },
      ),
      loadBestRenderer(this.terminal, (kind) => (this.rendererKind = kind)),
      attachTextInput(this.terminal, host),
    );
    // View only: say so when someone types (xterm itself sends nothing while stdin is disabled).
    const onKey = (event: KeyboardEvent) => {
      if (this.terminal.options.disableStdin && (event.key.length === 1 || event.key === 'Enter')) this.hooks.notify('view only — input is not sent');
    };
    host.addEventListener('keydown', onKey);
    this.disposables.push({ dispose: () => host.removeEventListener('keydown', onKey) });
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
    if (!this.disposed) this.terminal.options.fontSize = clampFontSize(size);
  }

  setTheme(theme: 'light' | 'dark'): void {
    if (!this.disposed) this.terminal.options.theme = theme === 'dark' ? DARK : LIGHT;
  }

  setScreenReaderMode(on: boolean): void {
    if (!this.disposed) this.terminal.options.screenReaderMode = on;
  }

  /** View only: xterm emits no keys, mouse reports or pastes at all. */
  setReadOnly(on: boolean): void {
    if (!this.disposed) this.terminal.options.disableStdin = on;
  }

  get renderer(): RendererKind {
    return this.rendererKind;
  }

  /** Whether the running program asked for application cursor keys (the phone bar's arrows follow it). */
  get applicationCursorKeys(): boolean {
    return this.terminal.modes.applicationCursorKeysMode;
  }

  onInput(handler: (data: string | Uint8Array) => void): IDisposable {
    const onData = this.terminal.onData((text) => handler(text));
    // onBinary carries raw bytes as a binary string (some mouse reports).
    const onBinary = this.terminal.onBinary((bin) => handler(Uint8Array.from(bin, (c) => c.charCodeAt(0) & 0xff)));
    return { dispose: () => (onData.dispose(), onBinary.dispose()) };
  }

  /** Keys from outside the keyboard (the phone bar) as if typed: same path, same view-only rule. */
  sendKeys(data: string): void {
    if (!this.disposed) this.terminal.input(data, true);
  }

  /**
   * Every paste goes through here: bracketed-paste markers stripped (so a paste
   * cannot end bracketed paste early), long pastes confirmed, then xterm wraps
   * it for the shell.
   */
  async paste(raw: string): Promise<void> {
    if (this.disposed) return;
    if (this.terminal.options.disableStdin) {
      this.hooks.notify('view only — nothing is pasted');
      return;
    }
    const text = sanitizePaste(raw);
    if (text === '') return;
    if (pasteNeedsConfirm(text)) {
      const ok = await this.hooks.confirmPaste(text);
      if (this.disposed) return;
      this.focus();
      if (!ok) return;
    }
    this.terminal.paste(text);
  }

  hasSelection(): boolean {
    return !this.disposed && this.terminal.hasSelection();
  }

  getSelection(): string {
    return this.disposed ? '' : this.terminal.getSelection();
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

  private activateLink(uri: string): void {
    const url = safeHttpUrl(uri);
    if (url) this.hooks.openLink(url); // anything else never navigates
  }
}
