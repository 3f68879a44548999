// Cut a byte stream only at UTF-8 character boundaries, so every frame offset
// (and every snapshot offset) falls between characters. Invalid bytes pass through.

/** How many trailing bytes of `data` are the start of an incomplete UTF-8 character (0–3). */
export function incompleteTail(data: Uint8Array): number {
  const n = data.byteLength;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = data[n - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
