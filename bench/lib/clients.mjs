// Protocol clients, one per system, with one interface:
//   await c.ready; c.write(string); c.onData = (buf) => {}; c.received (bytes); c.close()
// termlink: its viewer protocol (hello, OUTPUT frames with offsets, acks);
// ttyd: its binary 'tty' subprotocol; WeTTY: socket.io events (data/input/commit).
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { Frame, PROTOCOL_VERSION, WS_PATH, encodeInput } from '../../dist/common/protocol.js';
import { ACK_EVERY } from '../../dist/common/limits.js';

const require = createRequire(import.meta.url);

class Base {
  received = 0;
  onData = null;
  closed = false;
  emit(buf) {
    this.received += buf.length;
    this.onData?.(buf);
  }
}

export class TermlinkClient extends Base {
  /** auth: { kind:'operator', key, machine } or { kind:'share', token } */
  constructor(relayUrl, auth, size = { cols: 120, rows: 40 }) {
    super();
    this.offset = 0;
    this.acked = 0;
    this.socket = new WebSocket(relayUrl.replace(/^http/, 'ws') + WS_PATH.attach, { perMessageDeflate: false });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('termlink client: no "attached" in 15 s')), 15000);
      this.socket.once('error', (e) => (clearTimeout(timer), reject(e)));
      this.socket.on('open', () => {
        this.socket._socket?.setNoDelay(true);
        this.socket.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, auth, cols: size.cols, rows: size.rows, client: 'cli' }));
      });
      this.socket.on('message', (data, isBinary) => {
        if (!isBinary) {
          const m = JSON.parse(data.toString('utf8'));
          if (m.type === 'attached') (clearTimeout(timer), resolve());
          else if (m.type === 'ping') this.socket.send(JSON.stringify({ type: 'pong', id: m.id }));
          else if (m.type === 'error' || m.type === 'ended') (clearTimeout(timer), reject(new Error(`termlink: ${m.type} ${m.code ?? m.reason} ${m.message}`)));
          return;
        }
        const kind = data[0];
        if (kind !== Frame.OUTPUT && kind !== Frame.SNAPSHOT) return;
        const offset = data.readDoubleBE(1);
        const body = data.subarray(9);
        if (kind === Frame.SNAPSHOT) {
          this.snapshots = (this.snapshots ?? 0) + 1;
          this.offset = offset;
          this.emit(body);
        } else {
          const end = offset + body.length;
          if (end <= this.offset) return;
          this.emit(body.subarray(Math.max(0, this.offset - offset)));
          this.offset = end;
        }
        if (this.offset - this.acked >= ACK_EVERY || body.length < 4096) {
          this.acked = this.offset;
          this.socket.send(JSON.stringify({ type: 'ack', offset: this.offset }));
        }
      });
    });
    this.ready.catch(() => {});
    this.socket.on('close', () => (this.closed = true));
  }
  write(text) {
    this.socket.send(encodeInput(Buffer.from(text, 'utf8')));
  }
  resize(cols, rows) {
    this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }
  close() {
    this.socket.close(1000);
  }
}

export class TtydClient extends Base {
  constructor(baseUrl, size = { cols: 120, rows: 40 }) {
    super();
    this.socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws', ['tty'], { perMessageDeflate: false });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ttyd client: no output in 15 s')), 15000);
      this.socket.once('error', (e) => (clearTimeout(timer), reject(e)));
      this.socket.on('open', () => {
        this.socket._socket?.setNoDelay(true);
        this.socket.send(Buffer.from(JSON.stringify({ AuthToken: '', columns: size.cols, rows: size.rows })));
      });
      this.socket.on('message', (data) => {
        const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (buf[0] === 0x30) {
          clearTimeout(timer);
          resolve();
          this.emit(buf.subarray(1));
        }
      });
    });
    this.ready.catch(() => {});
    this.socket.on('close', () => (this.closed = true));
  }
  write(text) {
    this.socket.send(Buffer.concat([Buffer.from('0'), Buffer.from(text, 'utf8')]));
  }
  close() {
    this.socket.close(1000);
  }
}

export class WettyClient extends Base {
  constructor(baseUrl, size = { cols: 120, rows: 40 }, ioModulePath) {
    super();
    const { io } = require(ioModulePath);
    this.socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WeTTY client: no login in 15 s')), 15000);
      this.socket.on('connect_error', (e) => (clearTimeout(timer), reject(e)));
      this.socket.on('login', () => {
        this.socket.emit('resize', size);
        clearTimeout(timer);
        resolve();
      });
      this.socket.on('data', (text) => {
        const buf = Buffer.from(text, 'utf8');
        this.emit(buf);
        this.socket.emit('commit', text.length);
      });
    });
    this.ready.catch(() => {});
    this.socket.on('disconnect', () => (this.closed = true));
  }
  write(text) {
    this.socket.emit('input', text);
  }
  close() {
    this.socket.close();
  }
}
