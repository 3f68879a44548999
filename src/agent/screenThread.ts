// The agent's screen, kept on a worker thread (screenWorker.ts). Same contract as
// Screen: write bytes in stream order, ask for a snapshot that stands exactly at
// the offset written so far, and watch the backlog for back-pressure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export type ScreenRequest =
  | { t: 'write'; data: Uint8Array }
  | { t: 'resize'; cols: number; rows: number }
  | { t: 'snapshot'; id: number }
  | { t: 'close' };

export type ScreenReply = { t: 'parsed'; total: number } | { t: 'snapshot'; id: number; screen: string };

/** The worker is plain JS: from the sources (tests), use the built copy in dist/. */
function workerUrl(): URL {
  const here = new URL('./screenWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/agent/screenWorker.js', import.meta.url);
}

export class ThreadedScreen {
  private readonly worker: Worker;
  private written = 0;
  private parsed = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, { offset: number; resolve: (s: { offset: number; screen: string }) => void }>();

  constructor(cols: number, rows: number, private readonly onDrained: () => void = () => {}) {
    this.worker = new Worker(workerUrl(), { workerData: { cols, rows } });
    this.worker.unref();
    this.worker.on('message', (reply: ScreenReply) => {
      if (reply.t === 'parsed') {
        this.parsed = reply.total;
        this.onDrained();
      } else {
        const entry = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        entry?.resolve({ offset: entry.offset, screen: reply.screen });
      }
    });
    this.worker.on('error', (error) => {
      // A screen that died cannot answer snapshots; say so instead of hanging joiners.
      for (const entry of this.waiting.values()) entry.resolve({ offset: entry.offset, screen: `\r\n[termlink: screen copy failed: ${error.message}]\r\n` });
      this.waiting.clear();
    });
  }

  /** Bytes written but not parsed yet. */
  get backlog(): number {
    return this.written - this.parsed;
  }

  write(data: Uint8Array): void {
    this.written += data.byteLength;
    const copy = new Uint8Array(data); // a real copy (Buffer#slice is a view), transferred to the worker
    this.worker.postMessage({ t: 'write', data: copy } satisfies ScreenRequest, [copy.buffer]);
  }

  resize(cols: number, rows: number): void {
    this.worker.postMessage({ t: 'resize', cols, rows } satisfies ScreenRequest);
  }

  /** The screen with every byte written so far, and that offset (messages are handled in order). */
  snapshot(): Promise<{ offset: number; screen: string }> {
    const id = this.nextId++;
    const offset = this.written;
    return new Promise((resolve) => {
      this.waiting.set(id, { offset, resolve });
      this.worker.postMessage({ t: 'snapshot', id } satisfies ScreenRequest);
    });
  }

  dispose(): void {
    this.worker.postMessage({ t: 'close' } satisfies ScreenRequest);
    void this.worker.terminate();
  }
}
