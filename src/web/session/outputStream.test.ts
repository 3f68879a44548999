import { describe, expect, it } from 'vitest';
import { ACK_EVERY } from '../../common/limits.js';
import { OutputStream, type TerminalSink } from './outputStream.js';

function fakeSink() {
  const writes: { data: string; done: () => void }[] = [];
  let resets = 0;
  const sink: TerminalSink = {
    write: (data, done) => writes.push({ data: new TextDecoder().decode(data), done }),
    reset: () => resets++,
    resize: () => {},
    proposeSize: () => ({ cols: 80, rows: 24 }),
  };
  return { sink, writes, resets: () => resets };
}
const bytes = (s: string) => new TextEncoder().encode(s);

describe('OutputStream', () => {
  it('tracks offsets and acks once the terminal is idle', () => {
    const { sink, writes } = fakeSink();
    const acks: number[] = [];
    const out = new OutputStream(sink, (o) => acks.push(o));
    out.output(0, bytes('hello'));
    out.output(5, bytes(' world'));
    expect(out.receivedOffset).toBe(11);
    writes[0].done();
    expect(acks).toEqual([]); // one write still pending, far below ACK_EVERY
    writes[1].done();
    expect(acks).toEqual([11]);
    expect(out.processedOffset).toBe(11);
  });

  it('acks every ACK_EVERY bytes even while writes are pending', () => {
    const { sink, writes } = fakeSink();
    const acks: number[] = [];
    const out = new OutputStream(sink, (o) => acks.push(o));
    out.output(0, new Uint8Array(ACK_EVERY));
    out.output(ACK_EVERY, bytes('x'));
    writes[0].done();
    expect(acks).toEqual([ACK_EVERY]);
  });

  it('drops duplicates and trims overlaps', () => {
    const { sink, writes } = fakeSink();
    const out = new OutputStream(sink, () => {});
    out.output(0, bytes('abcdef'));
    out.output(0, bytes('abc'));
    out.output(3, bytes('defgh'));
    expect(writes.map((w) => w.data)).toEqual(['abcdef', 'gh']);
    expect(out.receivedOffset).toBe(8);
  });

  it('a snapshot resets the screen and continues the stream at its offset', () => {
    const { sink, writes, resets } = fakeSink();
    const acks: number[] = [];
    const out = new OutputStream(sink, (o) => acks.push(o));
    out.output(0, bytes('old'));
    out.snapshot(500, bytes('SCREEN'));
    expect(resets()).toBe(1);
    expect(out.receivedOffset).toBe(500);
    writes[0].done(); // stale write from before the snapshot changes nothing
    writes[1].done();
    expect(acks).toEqual([]);
    out.output(500, bytes('new'));
    writes[2].done();
    expect(acks).toEqual([503]);
  });

  it('resetSession starts over from offset 0', () => {
    const { sink, resets } = fakeSink();
    const out = new OutputStream(sink, () => {});
    out.output(0, bytes('abc'));
    out.resetSession();
    expect(resets()).toBe(1);
    expect(out.receivedOffset).toBe(0);
    out.output(0, bytes('x'));
    expect(out.receivedOffset).toBe(1);
  });
});
