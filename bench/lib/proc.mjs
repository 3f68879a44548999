// /proc readers (Linux): CPU ticks (utime+stime, 100 Hz) and memory of one process.
import { readFileSync } from 'node:fs';

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
