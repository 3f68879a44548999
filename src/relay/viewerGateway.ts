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
import type { Cluster } from './cluster.js';
import { forwardViewer, fromClusterPeer, type Forwarding } from './forward.js';
import { iso, type LinkService } from './links.js';
import { clientAddress } from './httpUtil.js';
import { keepAlive, toBytes, wrapSocket } from './peer.js';
import type { FailureCounter } from './rateLimit.js';
import type { HubRegistry } from './registry.js';
import type { Store } from './store.js';

const HELLO_TIMEOUT_MS = 10_000;

export interface ViewerGatewayDeps {
  links: LinkService;
  hubs: HubRegistry;
  store: Store;
  clock: Clock;
  failures: FailureCounter;
  log: Logger;
  trustProxy: boolean;
  /** Cluster mode: where agents are, and the secret relays use between themselves. */
  cluster: Cluster | null;
  clusterSecret?: string;
}

export function handleViewerSocket(socket: WebSocket, req: IncomingMessage, deps: ViewerGatewayDeps): void {
  const peer = wrapSocket(socket);
  const liveness = keepAlive(socket, peer);
  const addr = clientAddress(req, deps.trustProxy || fromClusterPeer(req, deps.clusterSecret));
  /** Failures are counted per kind of credential: share-token guessing never locks out operators. */
  const failureKey = () => `${attemptKind}:${addr}`;
  let attemptKind: 'share' | 'key' = 'share';
  const send = (message: RelayToViewer) => peer.sendJson(message);
  const refuse = (code: ErrorCode, message: string, close: number, extra: Partial<Extract<RelayToViewer, { type: 'error' }>> = {}) => {
    deps.hubs.metrics.attachFailed(extra.reason ? `${code.toLowerCase()}_${extra.reason}` : code.toLowerCase());
    send({ type: 'error', code, message, ...extra });
    peer.close(close, code);
  };

  let attached: { viewerId: string; machineId: string; auditId: Promise<number | null> } | null = null;
  /** 'hello' until the first message; 'authenticating' while the store answers (later frames wait). */
  let phase: 'hello' | 'authenticating' | 'attached' | 'forwarded' | 'closed' = 'hello';
  let forwarding: Forwarding | null = null;
  let helloText = '';
  const waiting: Array<[RawData, boolean]> = [];
  const helloTimer = setTimeout(() => refuse(ErrorCode.BAD_MESSAGE, 'no hello received', CloseCode.BAD_MESSAGE), HELLO_TIMEOUT_MS);

  /** Who is this, and which machine may they reach? Null when refused (the socket is then closing). */
  const authenticate = async (hello: Extract<ViewerToRelay, { type: 'hello' }>) => {
    if (hello.v !== PROTOCOL_VERSION) {
      refuse(ErrorCode.VERSION_MISMATCH, `protocol ${hello.v} not supported; this relay speaks ${PROTOCOL_VERSION}. Reload the page.`, CloseCode.VERSION_MISMATCH);
      return null;
    }
    attemptKind = hello.auth.kind === 'share' ? 'share' : 'key';
    const wait = await deps.failures.retryAfter(failureKey());
    if (wait > 0) {
      refuse(ErrorCode.RATE_LIMITED, 'Too many failed attempts from your address; wait a minute.', CloseCode.RATE_LIMITED, { retryAfterMs: wait });
      return null;
    }
    if (hello.auth.kind === 'share') {
      const share = await deps.links.check(hello.auth.token);
      if (!share.ok) {
        await deps.failures.fail(failureKey());
        refuse(share.code, share.message, CloseCode.UNAUTHENTICATED, { reason: share.reason, expiredAt: share.expiredAt });
        return null;
      }
      deps.links.watch(share.value);
      const readOnly = share.value.read_only === 1;
      return {
        machineId: share.value.machine_id,
        linkId: share.value.id as string | null,
        readOnly,
        expiresAt: iso(share.value.expires_at),
        who: readOnly ? 'viewer' : 'guest',
      };
    }
    const operator = await deps.links.operatorByKey(hello.auth.key);
    if (!operator) {
      await deps.failures.fail(failureKey());
      refuse(ErrorCode.UNAUTHENTICATED, 'operator key not valid', CloseCode.UNAUTHENTICATED);
      return null;
    }
    const machine = await deps.links.resolveMachine(operator, hello.auth.machine);
    if (!machine.ok) {
      refuse(machine.code, machine.message, CloseCode.NOT_FOUND);
      return null;
    }
    return { machineId: machine.value.id, linkId: null, readOnly: false, expiresAt: null, who: 'operator' };
  };

  const onHello = async (hello: Extract<ViewerToRelay, { type: 'hello' }>) => {
    const who = await authenticate(hello);
    const machine = who ? await deps.store.machineById(who.machineId) : undefined;
    if (phase === 'closed' || !who) return;
    if (!machine) {
      refuse(ErrorCode.NOT_FOUND, 'machine not found', CloseCode.NOT_FOUND);
      return;
    }
    if (deps.cluster && !deps.hubs.get(machine.id)?.online) {
      const upstream = await deps.cluster.agentLocation(machine.id);
      if ((phase as string) === 'closed') return; // the viewer left while we looked
      if (upstream) {
        // The agent is on another relay: that relay owns the session; pipe this viewer there.
        const metrics = deps.hubs.metrics;
        phase = 'forwarded';
        forwarding = forwardViewer({
          viewer: socket,
          upstreamRelayUrl: upstream,
          hello: helloText,
          clientAddr: addr,
          userAgent: String(req.headers['user-agent'] ?? ''),
          secret: deps.clusterSecret ?? '',
          log: deps.log,
          onOpen: (ms) => {
            metrics.routeSeconds += ms / 1000;
            metrics.routeCount++;
          },
        });
        for (const [raw, isBinary] of waiting.splice(0)) forwarding.fromViewer(raw, isBinary);
        return;
      }
    }
    const viewerId = newId('v_');
    const auditId = deps.store
      .recordAttach(
        { shareId: who.linkId, machineId: machine.id, kind: hello.auth.kind, clientAddr: addr, userAgent: String(req.headers['user-agent'] ?? '') },
        deps.clock.now(),
      )
      .catch((error: unknown) => (deps.log.error('audit write failed', { error }), null));
    attached = { viewerId, machineId: machine.id, auditId };
    phase = 'attached';
    deps.hubs.metrics.attachesTotal++;
    send({ type: 'welcome', v: PROTOCOL_VERSION, machine: { id: machine.id, hostname: machine.hostname }, expiresAt: who.expiresAt, readOnly: who.readOnly, viewerId });
    deps.hubs.obtain(machine.id).attach({
      id: viewerId,
      peer,
      linkId: who.linkId,
      readOnly: who.readOnly,
      who: `${who.who} (${hello.client})`,
      cols: hello.cols,
      rows: hello.rows,
      resume: hello.resume,
      grant: hello.grant,
    });
    deps.log.info('viewer attached', { machine: machine.id, share: who.linkId, viewer: viewerId, addr });
    deps.cluster?.countsChanged();
    for (const [raw, isBinary] of waiting.splice(0)) onFrame(raw, isBinary);
  };

  const onFrame = (raw: RawData, isBinary: boolean) => {
    if (phase === 'forwarded') {
      forwarding?.fromViewer(raw, isBinary);
      return;
    }
    const bytes = toBytes(raw);
    if (phase === 'authenticating') {
      // Frames sent right behind the hello (a resize, early keys) wait for the answer; a flood does not.
      if (waiting.length < 64) waiting.push([raw, isBinary]);
      return;
    }
    if (phase === 'hello') {
      clearTimeout(helloTimer);
      const hello = isBinary ? null : parseViewerMessage(Buffer.from(bytes).toString('utf8'));
      if (!hello || hello.type !== 'hello') {
        refuse(ErrorCode.BAD_MESSAGE, 'the first message must be a hello', CloseCode.BAD_MESSAGE);
        return;
      }
      phase = 'authenticating';
      helloText = Buffer.from(bytes).toString('utf8');
      onHello(hello).catch((error: unknown) => {
        deps.log.error('attach failed', { error });
        refuse(ErrorCode.INTERNAL, 'the relay could not check this link; try again', CloseCode.INTERNAL);
      });
      return;
    }
    if (!attached) return;
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
  };

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    liveness.seen();
    onFrame(raw, isBinary);
  });

  socket.on('close', () => {
    clearTimeout(helloTimer);
    phase = 'closed';
    forwarding?.close();
    if (!attached) return;
    const { machineId, viewerId, auditId } = attached;
    deps.hubs.get(machineId)?.detach(viewerId);
    deps.hubs.release(machineId);
    deps.cluster?.countsChanged();
    const detachedAt = deps.clock.now();
    void auditId.then((id) => (id === null ? undefined : deps.store.recordDetach(id, detachedAt))).catch((error: unknown) =>
      deps.log.error('audit write failed', { error }),
    );
    deps.log.info('viewer detached', { machine: attached.machineId, viewer: attached.viewerId });
  });
  socket.on('error', (error) => deps.log.debug('viewer socket error', { error }));
}
