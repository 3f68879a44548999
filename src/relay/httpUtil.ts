// Small HTTP helpers: security headers on every response, JSON bodies with a
// size cap, and error answers in the one API error shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, ErrorCode } from '../common/protocol.js';

/** Headers every response carries: nothing loads from other origins, no framing, no Referer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

const STATUS_OF: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AMBIGUOUS: 409,
  BAD_REQUEST: 400,
  BAD_TTL: 400,
  BAD_MESSAGE: 400,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  VERSION_MISMATCH: 409,
  AGENT_OFFLINE: 503,
  INTERNAL: 500,
};

export function sendError(res: ServerResponse, code: ErrorCode, message: string, extra: Partial<ApiError> = {}): void {
  const headers: Record<string, string> = {};
  if (extra.retry_after_ms) headers['Retry-After'] = String(Math.ceil(extra.retry_after_ms / 1000));
  sendJson(res, STATUS_OF[code] ?? 400, { code, message, ...extra } satisfies ApiError, headers);
}

const MAX_BODY_BYTES = 16 * 1024;

/** Read a JSON object body; null when it is too big or not JSON (the caller answers 400/413). */
export async function readJsonBody(req: IncomingMessage): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) return { ok: false, tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return { ok: true, body: {} };
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, tooLarge: false };
    return { ok: true, body: value as Record<string, unknown> };
  } catch {
    return { ok: false, tooLarge: false };
  }
}

/** The credential in `Authorization: <scheme> <value>`, when the scheme matches. */
export function bearer(req: IncomingMessage, scheme: 'Bearer' | 'Share'): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [given, value] = header.split(/\s+/, 2);
  return given?.toLowerCase() === scheme.toLowerCase() && value ? value : null;
}

/**
 * Who is calling, for rate limits and the audit trail. Behind a reverse proxy (--trust-proxy)
 * the last X-Forwarded-For hop is the client the proxy saw; otherwise the socket peer.
 */
export function clientAddress(req: IncomingMessage, trustProxy = false): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim() !== '') {
    return forwarded.split(',').at(-1)!.trim().slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}
