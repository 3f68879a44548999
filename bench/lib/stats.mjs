// Small statistics helpers: quantiles, summaries and ratio formatting.

export function quantile(values, q) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return {
    n: v.length,
    p50: quantile(v, 0.5),
    p95: quantile(v, 0.95),
    min: v.length ? Math.min(...v) : NaN,
    max: v.length ? Math.max(...v) : NaN,
  };
}

export function fmt(x, digits = 2) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(digits);
}

/** "p50 (p95)" or "median [min–max]" strings. */
export function fmtP(s, unit = '') {
  if (!s || !s.n) return '–';
  return `${fmt(s.p50)}${unit} (p95 ${fmt(s.p95)})`;
}

export function fmtRange(s, unit = '') {
  if (!s || !s.n) return '–';
  if (s.n === 1) return `${fmt(s.p50)}${unit}`;
  return `${fmt(s.p50)}${unit} [${fmt(s.min)}–${fmt(s.max)}]`;
}

/** termlink / peer, with a word on which way is better. */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  return `${(a / b).toFixed(2)}×`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` (async ok) every `every` ms until truthy or `ms` elapsed; returns the value or null. */
export async function waitFor(fn, ms, every = 20) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) return null;
    await sleep(every);
  }
}
