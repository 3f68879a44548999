// The agent socket: an agent proves its machine key in its first message, then
// streams output and answers the hub's requests. One live connection per machine.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { AGENT_OUTPUT_WINDOW } from '../common/limits.js';
import { CloseCode, Frame, PROTOCOL_VERSION, TokenPrefix, decodeFrame, parseAgentMessage } from '../common/protocol.js';
import type { Logger } from '../platform/log.js';
import { hashSecret } from '../platform/secrets.js';
import type { Clock } from './clock.js';
import type { AgentLink } from './hub.js';
import { keepAlive, toBytes, wrapSocket } from './peer.js';
import type { FailureCounter } from './rateLimit.js';
import type { HubRegistry } from './registry.js';
import type { Store } from './store.js';
import { clientAddress } from './httpUtil.js';

export interface AgentGatewayDeps {
  hubs: HubRegistry;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Failed machine keys count per address too: guessing them is as hopeless as guessing links. */
  failures: FailureCounter;
  trustProxy: boolean;
  /** Cluster mode: announce which relay holds this machine's agent, and withdraw it. */
  onAgentOnline?: (machineId: string, requiresPassword: boolean) => void;
  onAgentOffline?: (machineId: string) => void;
}

export function handleAgentSocket(socket: WebSocket, req: IncomingMessage, deps: AgentGatewayDeps): void {
  const failureKey = `agent:${clientAddress(req, deps.trustProxy)}`;
  const peer = wrapSocket(socket);
  const liveness = keepAlive(socket, peer);
  let link: AgentLink | null = null;
  let machineId: string | null = null;
  const helloTimer = setTimeout(() => peer.close(CloseCode.BAD_MESSAGE, 'no hello'), 10_000);

  /** Frames that arrive while the machine key is being checked (the HISTORY frame follows the hello at once). */
  let checking = false;
  const waiting: Array<[RawData, boolean]> = [];

  const onHello = async (text: string) => {
    const hello = parseAgentMessage(text);
    if (!hello || hello.type !== 'agent_hello') {
      peer.close(CloseCode.BAD_MESSAGE, 'first message must be agent_hello');
      return;
    }
    if (hello.v !== PROTOCOL_VERSION) {
      peer.close(CloseCode.VERSION_MISMATCH, `relay speaks protocol ${PROTOCOL_VERSION}`);
      return;
    }
    const wait = await deps.failures.retryAfter(failureKey);
    if (wait > 0) {
      peer.close(CloseCode.RATE_LIMITED, 'too many failed machine keys from this address');
      return;
    }
    const machine = hello.machineKey.startsWith(TokenPrefix.machineKey) ? await deps.store.machineByKeyHash(hashSecret(hello.machineKey)) : undefined;
    if (!machine || machine.id !== hello.machineId) {
      await deps.failures.fail(failureKey);
      deps.log.warn('agent refused: bad machine key', { machine: hello.machineId });
      peer.sendJson({ type: 'error', code: 'UNAUTHENTICATED', message: 'machine key not valid' });
      peer.close(CloseCode.UNAUTHENTICATED, 'machine key not valid');
      return;
    }
    if (!peer.open) return;
    await deps.store.touchMachine(machine.id, hello.hostname, deps.clock.now());
    machineId = machine.id;
    link = { peer, hostname: hello.hostname, requiresPassword: hello.requiresPassword };
    peer.sendJson({ type: 'agent_welcome', machineId: machine.id, outputWindow: AGENT_OUTPUT_WINDOW });
    deps.hubs.obtain(machine.id).setAgent(link, hello.session);
    deps.onAgentOnline?.(machine.id, hello.requiresPassword);
  };

  const onFrame = (raw: RawData, isBinary: boolean) => {
    if (checking) {
      waiting.push([raw, isBinary]);
      return;
    }
    const bytes = toBytes(raw);
    if (!link || !machineId) {
      clearTimeout(helloTimer);
      if (isBinary) {
        peer.close(CloseCode.BAD_MESSAGE, 'first message must be agent_hello');
        return;
      }
      checking = true;
      onHello(Buffer.from(bytes).toString('utf8'))
        .catch((error: unknown) => {
          deps.log.error('agent hello failed', { error });
          peer.close(CloseCode.INTERNAL, 'relay could not check the machine key');
        })
        .finally(() => {
          checking = false;
          for (const [r, b] of waiting.splice(0)) onFrame(r, b);
        });
      return;
    }
    const hub = deps.hubs.get(machineId);
    if (!hub) return;
    if (isBinary) {
      const frame = decodeFrame(bytes);
      if (!frame) return;
      if (frame.kind === Frame.OUTPUT) hub.agentOutput(link, frame.offset, frame.data);
      else if (frame.kind === Frame.HISTORY) hub.agentHistory(frame.offset, frame.data);
      else if (frame.kind === Frame.SNAPSHOT_REPLY) hub.agentSnapshot(link, frame.reqId, frame.offset, frame.data);
      return;
    }
    const message = parseAgentMessage(Buffer.from(bytes).toString('utf8'));
    if (!message) {
      deps.log.warn('malformed agent message ignored', { machine: machineId });
      return;
    }
    if (message.type === 'ping') peer.sendJson({ type: 'pong', id: message.id });
    else if (message.type !== 'pong') hub.agentMessage(link, message);
  };

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    liveness.seen();
    onFrame(raw, isBinary);
  });

  socket.on('close', () => {
    clearTimeout(helloTimer);
    if (!link || !machineId) return;
    const hub = deps.hubs.get(machineId);
    hub?.agentGone(link);
    if (!hub?.online) deps.onAgentOffline?.(machineId);
    deps.hubs.release(machineId);
  });
  socket.on('error', (error) => deps.log.debug('agent socket error', { error }));
}
