import { describe, expect, it } from 'vitest';
import { incompleteTail } from './utf8.js';

describe('incompleteTail', () => {
  it.each([
    [[0x61], 0],
    [[0xe4, 0xb8], 2], // 中 cut after 2 of 3
    [[0xe4, 0xb8, 0xad], 0],
    [[0xf0, 0x9f], 2], // 🙂 cut after 2 of 4
    [[0xf0, 0x9f, 0x99], 3],
    [[0xf0, 0x9f, 0x99, 0x82], 0],
    [[0x61, 0xc3], 1],
    [[0xff], 0], // invalid: passes through
    [[0x80, 0x80, 0x80], 0], // stray continuation bytes
  ])('%j → %i held', (input, held) => {
    expect(incompleteTail(new Uint8Array(input))).toBe(held);
  });
});
