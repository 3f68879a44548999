// The agent's copy of the screen: a headless xterm fed every output byte, so a
// late joiner (or a viewer that fell behind) gets the exact current screen.
import { createRequire } from 'node:module';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import type { SerializeAddon as SerializeAddonType } from '@xterm/addon-serialize';
import { SCROLLBACK_LINES } from '../common/limits.js';

// Plain Node ESM cannot take named exports from these CommonJS bundles.
const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as { Terminal: typeof HeadlessTerminal };
const { SerializeAddon } = require('@xterm/addon-serialize') as { SerializeAddon: typeof SerializeAddonType };

/** Scrollback lines included in a snapshot (the rest stays on the agent). */
const SNAPSHOT_SCROLLBACK = 1000;

export class Screen {
  private term: HeadlessTerminal;
  private serializer: SerializeAddonType;
  /** Bytes handed to write() whose callback has not fired yet. */
  private queued = 0;
  /** Bytes ever written (the stream offset the screen will reach). */
  private written = 0;

  constructor(cols: number, rows: number, private readonly onDrained: () => void = () => {}) {
    this.term = new Terminal({ cols, rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
    this.serializer = new SerializeAddon();
    this.term.loadAddon(this.serializer);
  }

  /** Bytes parsed so far. */
  get parsedTotal(): number {
    return this.written - this.queued;
  }

  write(data: Uint8Array): void {
    this.queued += data.byteLength;
    this.written += data.byteLength;
    this.term.write(data, () => {
      this.queued -= data.byteLength;
      this.onDrained();
    });
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The current screen once everything written so far is parsed, and the offset it stands at. */
  snapshot(): Promise<{ offset: number; screen: string }> {
    const offset = this.written;
    return new Promise((resolve) => {
      // An empty write's callback fires after every earlier write is parsed and before later ones.
      this.term.write('', () => resolve({ offset, screen: this.serializer.serialize({ scrollback: SNAPSHOT_SCROLLBACK }) }));
    });
  }

  dispose(): void {
    this.term.dispose();
  }
}
