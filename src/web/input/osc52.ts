// OSC 52 (clipboard) from the remote program, e.g. tmux or vim copying a
// selection: writes are allowed, reads are never answered (the guest's
// clipboard is not the remote's to see).

/** Largest clipboard write accepted from the remote (decoded characters). */
export const OSC52_MAX_CHARS = 1_000_000;

export type Osc52Request = { kind: 'write'; text: string } | { kind: 'read' } | { kind: 'invalid' };

/** Parse the payload of `ESC ] 52 ; <targets> ; <base64 | ?> BEL`. */
export function parseOsc52(payload: string): Osc52Request {
  const split = payload.indexOf(';');
  if (split < 0) return { kind: 'invalid' };
  const data = payload.slice(split + 1);
  if (data === '?') return { kind: 'read' };
  // Base64 of the cap's worth of text, UTF-8 encoded, is at most 4/3 × 4 bytes per char.
  if (data.length > OSC52_MAX_CHARS * 6) return { kind: 'invalid' };
  const text = decodeBase64Utf8(data);
  if (text === null || text.length > OSC52_MAX_CHARS) return { kind: 'invalid' };
  return { kind: 'write', text };
}

function decodeBase64Utf8(data: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return null;
  try {
    const binary = atob(data);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
