// Chromium for every system with the same flags and viewport, plus an init
// script that finds each page's xterm Terminal (a one-shot setter for `_core`,
// which every xterm.js Terminal assigns in its constructor) and the in-page
// probes the figures use: keydown timestamps, onWriteParsed line matching,
// onLineFeed counting and OSC 7777 BEGIN/END markers. No animation-frame loops.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chromiumArgs, findChromium } from '../../scripts/browser.mjs';
import { PROMPT, GRID } from './systems.mjs';
import { sleep } from './stats.mjs';

export const VIEWPORT = { width: 1400, height: 900 };

export async function launch() {
  const executablePath = findChromium({ install: true });
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  return browser;
}

export function chromiumVersion(browser) {
  if (browser) return browser.version();
  try {
    return execFileSync(findChromium() ?? 'chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function initScript() {
  const terms = [];
  Object.defineProperty(Object.prototype, '_core', {
    configurable: true,
    get() {
      return undefined;
    },
    set(v) {
      Object.defineProperty(this, '_core', { value: v, writable: true, configurable: true, enumerable: true });
      if (!terms.length) terms.created = performance.now(); // first Terminal constructed (cold-open timeline)
      terms.push(this);
    },
  });
  const isTerm = (t) => {
    try {
      return !!t && typeof t.registerMarker === 'function' && typeof t.onWriteParsed === 'function' && !!t.parser;
    } catch {
      return false;
    }
  };
  // WebSocket timeline for the cold-open breakdown: created, open, first message, first
  // text message announcing "attached" (termlink), all in performance.now() (navigation start = 0).
  const wsLog = [];
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      const e = { url: String(args[0]).replace(/^wss?:\/\/[^/]+/, ''), created: performance.now(), open: null, first: null, attached: null, firstBinary: null, firstSend: null };
      wsLog.push(e);
      this.addEventListener('open', () => (e.open = performance.now()));
      this.__benchLog = e;
      this.addEventListener('message', (m) => {
        const t = performance.now();
        if (e.first === null) e.first = t;
        if (e.attached === null && typeof m.data === 'string' && m.data.includes('"attached"')) e.attached = t;
        if (e.firstBinary === null && typeof m.data !== 'string') e.firstBinary = t;
      });
    }
  };
  const nativeSend = NativeWebSocket.prototype.send;
  NativeWebSocket.prototype.send = function (...args) {
    if (this.__benchLog && this.__benchLog.firstSend === null) this.__benchLog.firstSend = performance.now();
    return nativeSend.apply(this, args);
  };
  const bench = {
    ws: wsLog,
    terms,
    term: () => terms.find(isTerm) ?? window.term ?? window.wetty_term ?? null,
    lastKeydown: 0,
    lastEnter: 0,
    installed: false,
    lf: 0,
    marks: {},
    markWaiters: {},
    lineWaiter: null,
    cursorLine() {
      const t = bench.term();
      const b = t.buffer.active;
      return (b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '').replace(/\s+$/, '');
    },
    install() {
      if (bench.installed) return true;
      const t = bench.term();
      if (!t) return false;
      bench.installed = true;
      window.addEventListener(
        'keydown',
        (e) => {
          bench.lastKeydown = performance.now();
          if (e.key === 'Enter') bench.lastEnter = bench.lastKeydown;
        },
        true,
      );
      t.onLineFeed(() => bench.lf++);
      t.parser.registerOscHandler(7777, (data) => {
        const now = performance.now();
        bench.marks[data] = { t: now, lf: bench.lf };
        const w = bench.markWaiters[data];
        if (w) (delete bench.markWaiters[data], w());
        return true;
      });
      t.onWriteParsed(() => {
        const w = bench.lineWaiter;
        if (w && bench.cursorLine() === w.line) {
          bench.lineWaiter = null;
          w.resolve(performance.now());
        }
      });
      return true;
    },
    /** Resolve with performance.now() when the cursor line reads `line` (checked now and after each parse). */
    waitLine(line, ms = 10000) {
      return new Promise((resolve) => {
        if (bench.cursorLine() === line) return resolve(performance.now());
        const timer = setTimeout(() => ((bench.lineWaiter = null), resolve(null)), ms);
        bench.lineWaiter = { line, resolve: (t) => (clearTimeout(timer), resolve(t)) };
      });
    },
    waitMark(name, ms) {
      return new Promise((resolve) => {
        if (bench.marks[name]) return resolve(bench.marks[name]);
        const timer = setTimeout(() => resolve(null), ms);
        bench.markWaiters[name] = () => (clearTimeout(timer), resolve(bench.marks[name]));
      });
    },
    resetMarks() {
      bench.marks = {};
      bench.markWaiters = {};
    },
    renderer() {
      const screen = document.querySelector('.xterm-screen');
      if (!screen) return 'none';
      if (screen.querySelector('canvas')) return 'canvas/webgl';
      return document.querySelector('.xterm-rows') ? 'dom' : 'unknown';
    },
    /** WeTTY loads the WebGL add-on unconditionally; dispose it so xterm falls back to DOM. */
    dropWebgl() {
      const t = bench.term();
      const addons = t?._addonManager?._addons ?? [];
      let n = 0;
      for (const a of addons) {
        if (a.instance && 'onContextLoss' in a.instance && !a.isDisposed) {
          a.instance.dispose();
          n++;
        }
      }
      return n;
    },
  };
  window.__bench = bench;
}

export async function newContext(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
  await context.addInitScript(initScript);
  return context;
}

/** Open a system's page, wait for its prompt, match renderer and grid; returns { page, context, renderer }. */
export async function openTerminal(browser, system, options = {}) {
  const context = await newContext(browser);
  try {
    return await openIn(context, system, options);
  } catch (e) {
    // A half-open page would stay attached to the shared session and skew the next round.
    await context.close().catch(() => {});
    throw e;
  }
}

async function openIn(context, system, { grid = GRID } = {}) {
  const page = await context.newPage();
  await page.goto(system.pageUrl(), { waitUntil: 'load' });
  await page.waitForFunction(() => window.__bench.install(), null, { timeout: 20000, polling: 50 });
  if (system.name === 'termlink') await page.waitForFunction(() => window.termlink?.state?.() === 'live', null, { timeout: 20000, polling: 50 });
  if (system.name === 'WeTTY') {
    await page.evaluate(() => window.__bench.dropWebgl());
  }
  await system.setGrid(page, grid);
  try {
    await page.waitForFunction(({ cols, rows }) => {
      const t = window.__bench.term();
      return t.cols === cols && t.rows === rows;
    }, grid, { timeout: 10000, polling: 50 });
  } catch (e) {
    const seen = await page.evaluate(() => ({ cols: window.__bench.term().cols, rows: window.__bench.term().rows, state: window.termlink?.state?.() }));
    throw new Error(`${system.name}: grid never became ${grid.cols}×${grid.rows} (saw ${JSON.stringify(seen)})`);
  }
  await page.evaluate(() => window.__bench.term().focus());
  await sleep(200);
  await page.keyboard.press('Control+U');
  const ok = await page.evaluate((p) => window.__bench.waitLine(p, 8000), PROMPT.trimEnd());
  if (ok === null) {
    const line = await page.evaluate(() => window.__bench.cursorLine());
    throw new Error(`${system.name}: no prompt on the cursor line (saw ${JSON.stringify(line)})`);
  }
  const renderer = await page.evaluate(() => window.__bench.renderer());
  return { page, context, renderer };
}

/** Type a command's text and press Enter; returns Node-side time of the Enter press. */
export async function runCommand(page, command) {
  await page.keyboard.type(command, { delay: 0 });
  await sleep(50);
  const t = performance.now();
  await page.keyboard.press('Enter');
  return t;
}
