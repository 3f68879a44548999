// `window.termlink`: what e2e tests read (the terminal buffer as text, the page
// state). Read-only views; nothing here can drive the page.

export interface TermlinkTestHooks {
  screenText: () => string;
  state: () => string;
  allText?: () => string;
  bufferType?: () => string;
  grid?: () => { cols: number; rows: number };
  /** 'dom' or 'webgl': which xterm renderer draws. */
  renderer?: () => string;
}

declare global {
  interface Window {
    termlink?: TermlinkTestHooks;
  }
}

export function exposeTestHooks(hooks: TermlinkTestHooks): void {
  window.termlink = hooks;
}
