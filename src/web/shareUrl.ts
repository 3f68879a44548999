// Where this page lives: the share token from `<prefix>/share/<body>`, and the
// API and WebSocket addresses under the same prefix (the relay may sit at a
// sub-path behind a proxy). The token goes in a header / first message only.
import { TokenPrefix, WS_PATH } from '../common/protocol.js';

export interface ShareLocation {
  /** Full token, `shr_…`. */
  token: string;
  /** Path prefix before `/share/…` ('' at the root), for `${apiBase}/api/link`. */
  apiBase: string;
  /** ws(s)://host<prefix>/ws/attach */
  wsUrl: string;
}

/** Null when the path carries no well-formed token. */
export function parseShareLocation(loc: { pathname: string; protocol: string; host: string }): ShareLocation | null {
  const match = /^(.*)\/share\/([A-Za-z0-9_-]{8,200})\/?$/.exec(loc.pathname);
  if (!match) return null;
  const prefix = match[1].replace(/\/+$/, '');
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    token: TokenPrefix.share + match[2],
    apiBase: prefix,
    wsUrl: `${scheme}//${loc.host}${prefix}${WS_PATH.attach}`,
  };
}
