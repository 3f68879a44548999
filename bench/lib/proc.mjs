// /proc readers (Linux): CPU ticks (utime+stime, 100 Hz) and memory of one process.
import { readFileSync, readdirSync } from 'node:fs';

export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

function statusKb(pid, key) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export const rssKb = (pid) => statusKb(pid, 'VmRSS');
export const hwmKb = (pid) => statusKb(pid, 'VmHWM');

/** PIDs of every live descendant of `root` (by walking /proc/PID/stat parent links), optionally filtered by comm. */
export function descendants(root, commRe = null) {
  const parent = new Map();
  const comm = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {}
  }
  const out = [];
  for (const pid of parent.keys()) {
    let p = parent.get(pid);
    while (p && p !== root && parent.has(p)) p = parent.get(p);
    if (p === root && (!commRe || commRe.test(comm.get(pid)))) out.push(pid);
  }
  return out;
}

/** Chromium's processes (browser, renderers, GPU/utility), children of this Node process. */
export const chromiumPids = () => descendants(process.pid, /chrom|headless/i);

/** Start a CPU meter over named pid lists (or functions returning them); stop() returns % of one core per name. */
export function cpuMeter(groups) {
  const t0 = performance.now();
  const pids = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
  const start = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, v.map((p) => cpuTicks(p))]));
  return {
    stop() {
      const s = (performance.now() - t0) / 1000;
      const out = { seconds: s };
      for (const [k, v] of Object.entries(pids)) {
        // a process that exited meanwhile counts as idle since the start
        const used = v.reduce((sum, p, i) => {
          const now = cpuTicks(p);
          return sum + (Number.isFinite(now) && Number.isFinite(start[k][i]) ? now - start[k][i] : 0);
        }, 0);
        out[k] = (used / 100 / s) * 100;
      }
      return out;
    },
  };
}
