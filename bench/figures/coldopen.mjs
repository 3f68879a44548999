// Figure 5: cold open (fresh browser context, empty cache) from navigation start to
// the first prompt on the cursor line, timed in the page (performance.now() counts
// from navigation start); and the bytes shipped, raw and on the wire.
import { gzipSync } from 'node:zlib';
import { newContext } from '../lib/browser.mjs';
import { PROMPT } from '../lib/systems.mjs';

export async function coldOpenRound(browser, system, { collectBytes }) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const responses = [];
  if (collectBytes) page.on('response', (r) => responses.push(r));
  try {
    await page.goto(system.pageUrl(), { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      (p) => {
        const b = window.__bench;
        if (!b || !b.term()) return false;
        try {
          return b.cursorLine() === p ? performance.now() : false;
        } catch {
          return false;
        }
      },
      PROMPT.trimEnd(),
      { timeout: 30000, polling: 10 },
    );
    const ms = await handle.jsonValue();
    // the page-side timeline (same clock as `ms`: performance.now(), 0 = navigation start)
    const timeline = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const path = (u) => u.replace(/^https?:\/\/[^/]+/, '');
      return {
        documentEnd: nav?.responseEnd ?? null,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
        resources: performance.getEntriesByType('resource').map((r) => ({ url: path(r.name), type: r.initiatorType, start: r.startTime, end: r.responseEnd })),
        ws: window.__bench.ws.map((w) => ({ ...w })),
        termCreated: window.__bench.terms.created ?? null,
      };
    });
    let bytes = null;
    if (collectBytes) {
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
      bytes = { js: { raw: 0, wire: 0, gz: 0 }, css: { raw: 0, wire: 0, gz: 0 }, html: { raw: 0, wire: 0, gz: 0 }, other: { raw: 0, wire: 0, gz: 0 }, files: [] };
      for (const r of responses) {
        const type = r.request().resourceType();
        let body;
        try {
          body = await r.body();
        } catch {
          continue;
        }
        const sizes = await r.request().sizes().catch(() => null);
        const enc = r.headers()['content-encoding'] ?? '';
        const key = type === 'script' ? 'js' : type === 'stylesheet' ? 'css' : type === 'document' ? 'html' : 'other';
        const gz = gzipSync(body, { level: 9 }).length;
        bytes[key].raw += body.length;
        bytes[key].wire += sizes ? sizes.responseBodySize : body.length;
        bytes[key].gz += gz;
        bytes.files.push({ url: r.url().replace(/^https?:\/\/[^/]+/, ''), type, raw: body.length, wire: sizes?.responseBodySize ?? null, enc });
      }
    }
    return { ms, bytes, timeline };
  } finally {
    await context.close();
  }
}
