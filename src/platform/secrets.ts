// Secrets: generation, hashing at rest, and redaction for logs. Node only.
import { createHash, randomBytes } from 'node:crypto';
import { TokenPrefix } from '../common/protocol.js';

/** A new bearer secret: prefix + 192 random bits in base64url (well over the 128 the spec asks). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}

/** A short random id for rows (not a secret). */
export function newId(prefix: string): string {
  return prefix + randomBytes(8).toString('hex');
}

/** SHA-256 hex: how every token and key is stored. Fast hashing is fine for 192-bit random secrets. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The public part of a share token shown in listings: `shr_` + 8 characters. */
export function tokenPrefix(token: string): string {
  return token.slice(0, TokenPrefix.share.length + 8);
}

const SECRET_PATTERN = /\b(shr|tlk|tlm)_[A-Za-z0-9_-]{4,}/g;
const SHARE_PATH = /\/share\/[A-Za-z0-9_-]+/g;

/** Remove anything that looks like a token, key or share URL from a log string. */
export function redact(text: string): string {
  return text
    .replace(SECRET_PATTERN, (m) => `${m.slice(0, 4)}…redacted`)
    .replace(SHARE_PATH, '/share/…redacted');
}
