// The terminal's clipboard: select-to-copy, Ctrl+Shift+C / Cmd+C, paste from
// every route (Ctrl+Shift+V, Cmd+V, menu, right click, the phone bar) through one
// guarded path, and OSC 52 writes from programs (reads are never answered).
import type { IDisposable, Terminal } from '@xterm/xterm';
import { clipboardKeyAction } from '../input/keys.js';
import { parseOsc52 } from '../input/osc52.js';

export interface ClipboardHooks {
  /** Every paste lands here (the controller sanitises, confirms and sends). */
  paste(text: string): void;
  /** A short message for the person (copied, clipboard blocked, …). */
  notify(text: string): void;
}

const SELECT_COPY_DELAY_MS = 150;

export function isMacPlatform(): boolean {
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform ?? '';
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/** Write the system clipboard; false when the browser refuses (no focus, no permission). */
export async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Read the system clipboard for a paste the person asked for (button, right click). */
export async function readClipboard(): Promise<string | null> {
  try {
    if (!navigator.clipboard?.readText) return null;
    return await navigator.clipboard.readText();
  } catch {
    return null;
  }
}

export function canReadClipboard(): boolean {
  return typeof navigator.clipboard?.readText === 'function';
}

export function attachClipboard(terminal: Terminal, host: HTMLElement, hooks: ClipboardHooks): IDisposable {
  const isMac = isMacPlatform();
  const disposables: IDisposable[] = [];
  const listen = <K extends keyof HTMLElementEventMap>(type: K, fn: (ev: HTMLElementEventMap[K]) => void) => {
    host.addEventListener(type, fn, { capture: true });
    disposables.push({ dispose: () => host.removeEventListener(type, fn, { capture: true }) });
  };

  const copySelection = () => {
    const text = terminal.getSelection();
    if (text) void writeClipboard(text);
  };

  // Paste events (Ctrl+Shift+V, Cmd+V, the context menu's Paste) are taken before
  // xterm's own handler, which would wrap the text in bracketed paste unfiltered.
  listen('paste', (ev) => {
    ev.preventDefault();
    ev.stopImmediatePropagation();
    const text = ev.clipboardData?.getData('text/plain') ?? '';
    if (text) hooks.paste(text);
  });

  terminal.attachCustomKeyEventHandler((ev) => {
    const action = clipboardKeyAction(ev, isMac);
    if (action === 'terminal') return true;
    if (action === 'copy' && ev.type === 'keydown') {
      ev.preventDefault(); // Chrome's Ctrl+Shift+C opens the element inspector
      copySelection();
    }
    return false; // 'native': the browser's copy/paste event follows
  });
  disposables.push({ dispose: () => terminal.attachCustomKeyEventHandler(() => true) });

  // Select to copy, once the selection settles.
  let selectTimer: ReturnType<typeof setTimeout> | null = null;
  disposables.push(
    terminal.onSelectionChange(() => {
      if (selectTimer !== null) clearTimeout(selectTimer);
      selectTimer = setTimeout(() => {
        selectTimer = null;
        if (terminal.hasSelection()) copySelection();
      }, SELECT_COPY_DELAY_MS);
    }),
    { dispose: () => selectTimer !== null && clearTimeout(selectTimer) },
  );

  // Right click: copy a selection, else paste (as in Windows Terminal and PuTTY).
  // With no clipboard API the browser's own menu stays (its Paste is guarded too);
  // a program that reports the mouse gets the click instead.
  listen('contextmenu', (ev) => {
    if (!canReadClipboard() || ev.shiftKey) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    if (terminal.modes.mouseTrackingMode !== 'none') return;
    if (terminal.hasSelection()) {
      copySelection();
      terminal.clearSelection();
      hooks.notify('copied');
      return;
    }
    void readClipboard().then((text) => {
      if (text === null) hooks.notify('the browser blocked reading the clipboard — use Ctrl+Shift+V');
      else if (text) hooks.paste(text);
    });
  });

  // OSC 52 from the remote: a write reaches the clipboard; a read ('?') gets no answer at all.
  disposables.push(
    terminal.parser.registerOscHandler(52, (payload) => {
      const request = parseOsc52(payload);
      if (request.kind === 'write') {
        void writeClipboard(request.text).then((ok) => {
          if (ok) hooks.notify(`the remote program copied ${request.text.length} characters to your clipboard`);
        });
      }
      return true; // handled: xterm does nothing more with it
    }),
  );

  return { dispose: () => disposables.splice(0).forEach((d) => d.dispose()) };
}
