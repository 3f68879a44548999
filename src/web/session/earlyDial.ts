// The attach WebSocket, opened at boot while the bundle, the link lookup and the
// terminal are still getting ready: on a cold open its handshake is then off the
// critical path. Nothing is sent on it until RelayConnection adopts it (the token
// travels only in the hello), and an unadopted socket is closed soon.

/** An early socket not adopted by then is closed (the relay drops hello-less sockets at 10 s). */
const ADOPT_WITHIN_MS = 8_000;

let early: { url: string; socket: WebSocket; timer: ReturnType<typeof setTimeout> } | null = null;

export function dialEarly(url: string): void {
  if (early || typeof WebSocket === 'undefined') return;
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  early = { url, socket, timer: setTimeout(dropEarlySocket, ADOPT_WITHIN_MS) };
}

/** The early socket for `url` if it is still opening or open; each socket is handed out once. */
export function takeEarlySocket(url: string): WebSocket | null {
  const taken = early;
  if (!taken || taken.url !== url) return null;
  early = null;
  clearTimeout(taken.timer);
  const { socket } = taken;
  if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) return socket;
  socket.close();
  return null;
}

/** No session will use it (a problem page, or too late): close it. */
export function dropEarlySocket(): void {
  const dropped = early;
  early = null;
  if (!dropped) return;
  clearTimeout(dropped.timer);
  dropped.socket.close();
}
