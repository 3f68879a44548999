// Untrusted strings from the remote shell (window titles, link targets) made safe
// for the page: plain text only, and navigation only to http(s) in a new tab.

const MAX_TITLE = 120;

/** A window title as plain text: control characters gone, trimmed, capped. */
export function sanitizeTitle(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim().slice(0, MAX_TITLE);
}

/** The URL when it is http(s), else null (no javascript:, data:, file:, …). */
export function safeHttpUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Open an http(s) link from the terminal in a new tab that cannot reach back to this page. */
export function openExternal(raw: string): void {
  const url = safeHttpUrl(raw);
  if (url) window.open(url, '_blank', 'noopener,noreferrer');
}
