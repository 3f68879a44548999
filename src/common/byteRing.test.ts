import { describe, expect, it } from 'vitest';
import { ByteRing } from './byteRing.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('ByteRing', () => {
  it('reads by absolute offset across chunks', () => {
    const ring = new ByteRing(100);
    ring.append(bytes('hello '));
    ring.append(bytes('world'));
    expect(text(ring.read(3, 5))).toBe('lo wo');
    expect(ring.end).toBe(11);
  });
  it('drops the oldest bytes beyond capacity and says what it still covers', () => {
    const ring = new ByteRing(8, 100);
    ring.append(bytes('abcdef'));
    ring.append(bytes('ghijkl'));
    expect(ring.start).toBe(104);
    expect(ring.covers(103)).toBe(false);
    expect(text(ring.read(104, 100))).toBe('efghijkl');
    expect(ring.read(120, 5).byteLength).toBe(0);
  });
});
