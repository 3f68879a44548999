// The attach socket: a viewer's first message must authenticate (share token or
// operator key) within a few seconds; after that, input, resize, acks and pings
// are validated and handed to the machine's hub. Bad frames get an error, not a crash.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { MAX_INPUT_FRAME } from '../common/limits.js';
import {
  CloseCode,
  ErrorCode,
  Frame,
  PROTOCOL_VERSION,
  decodeFrame,
  parseViewerMessage,
  type RelayToViewer,
  type ViewerToRelay,
} from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import { newId } from '../platform/secrets.js';
import type { Clock } from './clock.js';
import type { LinkService } from './links.js';
import { keepAlive, wrapSocket } from './peer.js';
import type { FailureLimiter } from './rateLimit.js';
import type { HubRegistry } from './registry.js';
import type { Store } from './store.js';

const HELLO_TIMEOUT_MS = 10_000;

export interface ViewerGatewayDeps {
  links: LinkService;
  hubs: HubRegistry;
  store: Store;
  clock: Clock;
  failures: FailureLimiter;
  log: Logger;
}

export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export function handleViewerSocket(socket: WebSocket, req: IncomingMessage, deps: ViewerGatewayDeps): void {
  const peer = wrapSocket(socket);
  const liveness = keepAlive(socket, peer);
  const addr = clientAddress(req);
  const send = (message: RelayToViewer) => peer.sendJson(message);
  const refuse = (code: ErrorCode, message: string, close: number, extra: Partial<Extract<RelayToViewer, { type: 'error' }>> = {}) => {
    deps.hubs.metrics.attachFailed(extra.reason ? `${code.toLowerCase()}_${extra.reason}` : code.toLowerCase());
    send({ type: 'error', code, message, ...extra });
    peer.close(close, code);
  };

  let attached: { viewerId: string; machineId: string; auditId: number } | null = null;
  const helloTimer = setTimeout(() => refuse(ErrorCode.BAD_MESSAGE, 'no hello received', CloseCode.BAD_MESSAGE), HELLO_TIMEOUT_MS);

  const onHello = (hello: Extract<ViewerToRelay, { type: 'hello' }>) => {
    clearTimeout(helloTimer);
    if (hello.v !== PROTOCOL_VERSION) {
      refuse(ErrorCode.VERSION_MISMATCH, `protocol ${hello.v} not supported; this relay speaks ${PROTOCOL_VERSION}. Reload the page.`, CloseCode.VERSION_MISMATCH);
      return;
    }
    const wait = deps.failures.retryAfter(addr);
    if (wait > 0) {
      refuse(ErrorCode.RATE_LIMITED, 'Too many failed attempts from your address; wait a minute.', CloseCode.RATE_LIMITED, { retryAfterMs: wait });
      return;
    }
    let machineId: string;
    let linkId: string | null = null;
    let readOnly = false;
    let expiresAt: string | null = null;
    let who = 'guest';
    if (hello.auth.kind === 'share') {
      const share = deps.links.check(hello.auth.token);
      if (!share.ok) {
        deps.failures.fail(addr);
        refuse(share.code, share.message, CloseCode.UNAUTHENTICATED, { reason: share.reason, expiredAt: share.expiredAt });
        return;
      }
      machineId = share.value.machine_id;
      linkId = share.value.id;
      readOnly = share.value.read_only === 1;
      expiresAt = share.value.expires_at === null ? null : new Date(share.value.expires_at).toISOString();
      deps.links.watch(share.value);
      if (readOnly) who = 'viewer';
    } else {
      const operator = deps.links.operatorByKey(hello.auth.key);
      if (!operator) {
        deps.failures.fail(addr);
        refuse(ErrorCode.UNAUTHENTICATED, 'operator key not valid', CloseCode.UNAUTHENTICATED);
        return;
      }
      const machine = deps.links.resolveMachine(operator, hello.auth.machine);
      if (!machine.ok) {
        refuse(machine.code, machine.message, CloseCode.NOT_FOUND);
        return;
      }
      machineId = machine.value.id;
      who = 'operator';
    }
    const machine = deps.store.machineById(machineId);
    if (!machine) {
      refuse(ErrorCode.NOT_FOUND, 'machine not found', CloseCode.NOT_FOUND);
      return;
    }
    const viewerId = newId('v_');
    const auditId = deps.store.recordAttach(
      { shareId: linkId, machineId, kind: hello.auth.kind, clientAddr: addr, userAgent: String(req.headers['user-agent'] ?? '') },
      deps.clock.now(),
    );
    attached = { viewerId, machineId, auditId };
    deps.hubs.metrics.attachesTotal++;
    send({ type: 'welcome', v: PROTOCOL_VERSION, machine: { id: machine.id, hostname: machine.hostname }, expiresAt, readOnly, viewerId });
    deps.hubs.obtain(machineId).attach({
      id: viewerId,
      peer,
      linkId,
      readOnly,
      who: `${who} (${hello.client})`,
      cols: hello.cols,
      rows: hello.rows,
      resume: hello.resume,
      grant: hello.grant,
    });
    deps.log.info('viewer attached', { machine: machineId, share: linkId, viewer: viewerId, addr });
  };

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    liveness.seen();
    const bytes = toBytes(raw);
    if (!attached) {
      const hello = isBinary ? null : parseViewerMessage(Buffer.from(bytes).toString('utf8'));
      if (!hello || hello.type !== 'hello') {
        clearTimeout(helloTimer);
        refuse(ErrorCode.BAD_MESSAGE, 'the first message must be a hello', CloseCode.BAD_MESSAGE);
        return;
      }
      onHello(hello);
      return;
    }
    const hub = deps.hubs.get(attached.machineId);
    if (!hub) return;
    if (isBinary) {
      const frame = decodeFrame(bytes);
      if (!frame || frame.kind !== Frame.INPUT) {
        send({ type: 'error', code: ErrorCode.BAD_MESSAGE, message: 'unknown binary frame ignored' });
        return;
      }
      if (frame.data.byteLength > MAX_INPUT_FRAME) {
        send({ type: 'error', code: ErrorCode.TOO_LARGE, message: `input frames are limited to ${MAX_INPUT_FRAME} bytes; split pastes` });
        return;
      }
      hub.viewerInput(attached.viewerId, frame.data);
      return;
    }
    const message = parseViewerMessage(Buffer.from(bytes).toString('utf8'));
    if (!message) {
      send({ type: 'error', code: ErrorCode.BAD_MESSAGE, message: 'malformed message ignored' });
      return;
    }
    switch (message.type) {
      case 'resize':
        hub.viewerResize(attached.viewerId, message.cols, message.rows);
        break;
      case 'ack':
        hub.viewerAck(attached.viewerId, message.offset);
        break;
      case 'password':
        hub.viewerPassword(attached.viewerId, message.password);
        break;
      case 'ping':
        send({ type: 'pong', id: message.id });
        break;
      case 'pong':
        break;
      case 'hello':
        send({ type: 'error', code: ErrorCode.BAD_MESSAGE, message: 'already attached' });
        break;
    }
  });

  socket.on('close', () => {
    clearTimeout(helloTimer);
    if (!attached) return;
    deps.hubs.get(attached.machineId)?.detach(attached.viewerId);
    deps.hubs.release(attached.machineId);
    deps.store.recordDetach(attached.auditId, deps.clock.now());
    deps.log.info('viewer detached', { machine: attached.machineId, viewer: attached.viewerId });
  });
  socket.on('error', (error) => deps.log.debug('viewer socket error', { error }));
}

export function toBytes(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return raw;
}
