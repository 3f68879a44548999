// A thin, typed wrapper around one WebSocket: JSON and binary sends, close with
// a reason, application-level liveness. Hubs talk to peers, never to `ws` itself.
import type { RawData, WebSocket } from 'ws';
import { DEAD_AFTER_MS, PING_INTERVAL_MS } from '../common/limits.js';

export interface Peer {
  sendJson(message: object): void;
  sendBinary(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued in the kernel/ws buffer towards this peer. */
  readonly bufferedAmount: number;
  readonly open: boolean;
}

export function wrapSocket(socket: WebSocket): Peer {
  return {
    sendJson(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    sendBinary(frame) {
      if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
        socket.close(code, reason.slice(0, 120));
      }
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    get open() {
      return socket.readyState === socket.OPEN;
    },
  };
}

/**
 * Application-level keepalive: ping every few seconds; any inbound frame counts as
 * liveness (a page busy rendering may answer late), and only long total silence
 * ends the socket. This is what catches half-open TCP connections.
 */
export function keepAlive(socket: WebSocket, peer: Peer, deadAfterMs = DEAD_AFTER_MS): { seen(): void; stop(): void } {
  let lastSeen = Date.now();
  let nextId = 1;
  const timer = setInterval(() => {
    if (Date.now() - lastSeen > deadAfterMs) {
      socket.terminate();
      return;
    }
    peer.sendJson({ type: 'ping', id: nextId++ });
  }, PING_INTERVAL_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  socket.on('close', stop);
  return { seen: () => (lastSeen = Date.now()), stop };
}

/** A ws message as one byte array, whatever shape ws delivered it in. */
export function toBytes(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return raw;
}
