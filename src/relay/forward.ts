// Cross-relay routing: a viewer that reached a relay without its machine's agent
// is piped, frame for frame, to the relay that holds the agent. That relay checks
// the same hello again (same store) and owns the session; this one only relays bytes.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import { CloseCode, WS_PATH } from '../common/protocol.js';
import type { Logger } from '../platform/log.js';

/** Header carrying the cluster secret between relays, so X-Forwarded-For can be trusted. */
export const CLUSTER_HEADER = 'x-termlink-cluster';

export function fromClusterPeer(req: IncomingMessage, secret: string | undefined): boolean {
  const given = req.headers[CLUSTER_HEADER];
  if (!secret || typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface Forwarding {
  /** A frame from the viewer, to pass upstream (queued until the upstream opens). */
  fromViewer(data: RawData, isBinary: boolean): void;
  close(): void;
}

export function forwardViewer(options: {
  viewer: WebSocket;
  upstreamRelayUrl: string;
  hello: string;
  clientAddr: string;
  userAgent: string;
  secret: string;
  log: Logger;
  onOpen: (ms: number) => void;
}): Forwarding {
  const started = performance.now();
  const url = options.upstreamRelayUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + WS_PATH.attach;
  const upstream = new WebSocket(url, {
    perMessageDeflate: false,
    handshakeTimeout: 5000,
    headers: { [CLUSTER_HEADER]: options.secret, 'x-forwarded-for': options.clientAddr, 'user-agent': options.userAgent },
  });
  const pending: Array<[RawData, boolean]> = [];
  upstream.on('open', () => {
    (upstream as unknown as { _socket?: { setNoDelay(v: boolean): void } })._socket?.setNoDelay(true);
    options.onOpen(performance.now() - started);
    upstream.send(options.hello);
    for (const [data, isBinary] of pending.splice(0)) upstream.send(data as Buffer, { binary: isBinary });
  });
  upstream.on('message', (data: RawData, isBinary: boolean) => {
    if (options.viewer.readyState === WebSocket.OPEN) options.viewer.send(data as Buffer, { binary: isBinary });
  });
  upstream.on('close', (code: number, reason: Buffer) => {
    // The upstream's own close codes (revoked, ended…) pass through; a lost hop asks for a retry.
    const passOn = code === 1005 || code === 1006 ? CloseCode.UNAVAILABLE : code;
    if (options.viewer.readyState === WebSocket.OPEN) options.viewer.close(passOn, reason.toString().slice(0, 120));
  });
  upstream.on('error', (error) => options.log.debug('forwarded hop error', { error: error.message }));
  return {
    fromViewer(data, isBinary) {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data as Buffer, { binary: isBinary });
      else if (upstream.readyState === WebSocket.CONNECTING && pending.length < 256) pending.push([data, isBinary]);
    },
    close() {
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(1000);
    },
  };
}
