// A bounded byte history addressed by absolute stream offsets: the relay's replay
// buffer and the agent's history both use it. Old bytes fall off the front.

export class ByteRing {
  private chunks: Uint8Array[] = [];
  private startOffset: number;
  private endOffset: number;

  constructor(
    private readonly capacity: number,
    start = 0,
  ) {
    this.startOffset = start;
    this.endOffset = start;
  }

  /** First offset still held. */
  get start(): number {
    return this.startOffset;
  }

  /** Offset just past the newest byte. */
  get end(): number {
    return this.endOffset;
  }

  /** Forget everything and continue from `offset` (new session, or history from elsewhere). */
  reset(offset: number): void {
    this.chunks = [];
    this.startOffset = offset;
    this.endOffset = offset;
  }

  /** True when bytes from `offset` to the end are all held. */
  covers(offset: number): boolean {
    return offset >= this.startOffset && offset <= this.endOffset;
  }

  append(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    // Copy: callers often pass views into socket buffers that get reused.
    this.chunks.push(new Uint8Array(data)); // a real copy: Buffer#slice would be a view
    this.endOffset += data.byteLength;
    this.trim();
  }

  /** Up to `max` bytes starting at `offset`; empty when nothing is there. */
  read(offset: number, max: number): Uint8Array {
    if (!this.covers(offset) || offset === this.endOffset) return new Uint8Array(0);
    const want = Math.min(max, this.endOffset - offset);
    const out = new Uint8Array(want);
    let pos = this.startOffset;
    let written = 0;
    for (const chunk of this.chunks) {
      const chunkEnd = pos + chunk.byteLength;
      if (chunkEnd > offset && written < want) {
        const from = Math.max(0, offset + written - pos);
        const piece = chunk.subarray(from, Math.min(chunk.byteLength, from + want - written));
        out.set(piece, written);
        written += piece.byteLength;
      }
      pos = chunkEnd;
      if (written >= want) break;
    }
    return out;
  }

  private trim(): void {
    while (this.endOffset - this.startOffset > this.capacity && this.chunks.length > 0) {
      const head = this.chunks[0];
      const excess = this.endOffset - this.startOffset - this.capacity;
      if (head.byteLength <= excess) {
        this.chunks.shift();
        this.startOffset += head.byteLength;
      } else {
        this.chunks[0] = head.subarray(excess);
        this.startOffset += excess;
      }
    }
  }
}
