// One shared shell through node-pty: spawn at the first viewer's size, stream
// raw bytes (cut at UTF-8 boundaries) with stream offsets, pause for back-pressure,
// and report the exit after the last output is out.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import * as pty from 'node-pty';
import { incompleteTail } from './utf8.js';

export interface ShellCommand {
  file: string;
  args: string[];
  /** Extra environment for the shell (tests set a fixed prompt). */
  env?: Record<string, string>;
}

/** $SHELL (or bash) as a login shell, unless the operator chose one. */
export function defaultShell(): ShellCommand {
  const shell = process.env.SHELL && existsSync(process.env.SHELL) ? process.env.SHELL : '/bin/bash';
  return { file: shell, args: ['-l'] };
}

/** The environment the shell sees: the agent's, minus termlink's own secrets, plus a sane terminal. */
export function shellEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !key.startsWith('TERMLINK_')) env[key] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  if (!/utf-?8/i.test(env.LC_ALL ?? env.LC_CTYPE ?? env.LANG ?? '')) {
    env.LANG = 'C.UTF-8';
    delete env.LC_ALL;
  }
  return env;
}

/** A trailing partial character is held at most this long, then sent as is. */
const PARTIAL_CHAR_HOLD_MS = 30;

export interface PtySessionEvents {
  onOutput(offset: number, data: Uint8Array): void;
  onExit(exitCode: number | null, signal: number | null): void;
}

export class PtySession {
  readonly id = 'sess_' + randomBytes(6).toString('hex');
  private readonly proc: pty.IPty;
  private offset = 0;
  private held: Uint8Array = new Uint8Array(0);
  private holdTimer: NodeJS.Timeout | null = null;
  private paused = false;
  private exited = false;
  cols: number;
  rows: number;

  constructor(command: ShellCommand, cols: number, rows: number, private readonly events: PtySessionEvents) {
    this.cols = cols;
    this.rows = rows;
    this.proc = pty.spawn(command.file, command.args, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: process.env.HOME && existsSync(process.env.HOME) ? process.env.HOME : homedir(),
      env: { ...shellEnvironment(), ...command.env },
      encoding: null, // raw bytes: the stream stays byte-exact, invalid UTF-8 included
    } as pty.IPtyForkOptions);
    this.proc.onData((chunk) => this.take(chunk as unknown as Buffer));
    this.proc.onExit(({ exitCode, signal }) => {
      this.exited = true;
      this.flushHeld();
      // Give node-pty a tick to deliver the last reads before reporting the exit.
      setTimeout(() => events.onExit(exitCode ?? null, signal ?? null), 20);
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** Offset just past the last byte handed out. */
  get streamOffset(): number {
    return this.offset;
  }

  write(data: Uint8Array): void {
    if (!this.exited) this.proc.write(Buffer.from(data) as unknown as string);
  }

  resize(cols: number, rows: number): void {
    if (this.exited || (cols === this.cols && rows === this.rows)) return;
    this.cols = cols;
    this.rows = rows;
    this.proc.resize(cols, rows);
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused || this.exited) return;
    this.paused = paused;
    if (paused) this.proc.pause();
    else this.proc.resume();
  }

  /** End the shell and everything started in its terminal session (jobs included): no orphans. */
  async kill(): Promise<void> {
    const members = sessionMembers(this.proc.pid);
    for (const pid of members) signal(pid, 'SIGHUP');
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline && sessionMembers(this.proc.pid).length > 0) await sleep(50);
    for (const pid of sessionMembers(this.proc.pid)) signal(pid, 'SIGKILL');
  }

  private take(chunk: Buffer): void {
    let data: Uint8Array = chunk;
    if (this.held.byteLength > 0) {
      data = Buffer.concat([this.held, chunk]);
      this.held = new Uint8Array(0);
    }
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
    const tail = incompleteTail(data);
    if (tail > 0) {
      this.held = data.slice(data.byteLength - tail);
      data = data.subarray(0, data.byteLength - tail);
      this.holdTimer = setTimeout(() => this.flushHeld(), PARTIAL_CHAR_HOLD_MS);
    }
    this.emit(data);
  }

  private flushHeld(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const held = this.held;
    this.held = new Uint8Array(0);
    this.emit(held);
  }

  private emit(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    const at = this.offset;
    this.offset += data.byteLength;
    this.events.onOutput(at, data);
  }
}

/** Pids whose session id is `sid` (the shell leads its own session via the pty). Linux /proc. */
export function sessionMembers(sid: number): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [sid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      if (Number(fields[3]) === sid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
