// Shared test fixtures: a real relay on port 0 in a temp data dir, real agents
// (node-pty on a real bash), and a protocol-speaking viewer client. No mocks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Agent } from '../agent/agent.js';
import { ensureEnrolled } from '../agent/enroll.js';
import { hashPassword } from '../agent/password.js';
import { createLogger } from '../platform/log.js';
import { hashSecret, newSecret } from '../platform/secrets.js';
import { DATA_FILES, startRelay, type RelayHandle } from '../relay/server.js';
import {
  Frame,
  PROTOCOL_VERSION,
  WS_PATH,
  decodeFrame,
  encodeInput,
  parseRelayToViewer,
  type Auth,
  type MintedShare,
  type RelayToViewer,
  type ViewerToRelay,
} from '../common/protocol.js';
import { readFileSync } from 'node:fs';

/** A quiet, predictable shell for tests: no rc files, a fixed prompt. */
export const PROMPT = 'tl$ ';
export const TEST_SHELL = { file: '/bin/bash', args: ['--norc', '--noprofile', '-i'], env: { PS1: PROMPT, HISTFILE: '/dev/null' } };

export interface TestRelay {
  relay: RelayHandle;
  dir: string;
  operatorKey: string;
  agents: Agent[];
  startAgent(options?: { hostname?: string; password?: string; operatorKey?: string }): Promise<{ agent: Agent; machineId: string }>;
  mint(host: string, body?: Record<string, unknown>, key?: string): Promise<{ status: number; body: MintedShare & { code?: string; message?: string } }>;
  api(method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; body: any }>;
  /** A second workspace with its own operator key. */
  addWorkspace(name: string): Promise<string>;
  /** Stop the relay and start a new one on the same port and data dir (agents reconnect by themselves). */
  restartRelay(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestRelay(options: { testClock?: boolean; maxFailuresPerMinute?: number } = {}): Promise<TestRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'termlink-test-'));
  const relayOptions = { dataDir: dir, port: 0, testClock: options.testClock ?? true, logLevel: 'silent' as const, maxFailuresPerMinute: options.maxFailuresPerMinute ?? 1000 };
  let relay = await startRelay(relayOptions);
  const operatorKey = readFileSync(join(dir, DATA_FILES.operatorKey), 'utf8').trim();
  const agents: Agent[] = [];
  const api = async (method: string, path: string, body?: unknown, auth = `Bearer ${operatorKey}`) => {
    const response = await fetch(relay.url + path, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  let agentCount = 0;
  return {
    get relay() {
      return relay;
    },
    dir,
    operatorKey,
    agents,
    api,
    async startAgent(agentOptions = {}) {
      const hostname = agentOptions.hostname ?? `test-host-${++agentCount}`;
      const state = await ensureEnrolled({
        stateFile: join(dir, `agent-${hostname}.json`),
        relayUrl: relay.url,
        hostname,
        operatorKey: () => agentOptions.operatorKey ?? operatorKey,
      });
      const agent = new Agent({
        relayUrl: relay.url,
        machineId: state.machine_id,
        machineKey: state.machine_key,
        hostname,
        passwordHash: agentOptions.password ? await hashPassword(agentOptions.password) : undefined,
        shell: TEST_SHELL,
        log: createLogger('agent', 'silent'),
      });
      await agent.start();
      agents.push(agent);
      return { agent, machineId: state.machine_id };
    },
    mint: (host, body = {}, key) => api('POST', '/api/shares', { host, ...body }, key ? `Bearer ${key}` : undefined),
    async addWorkspace(name) {
      const workspace = await relay.store.createWorkspace(name, Date.now());
      const key = newSecret('tlk_');
      await relay.store.addApiKey(workspace.id, hashSecret(key), Date.now());
      return key;
    },
    async restartRelay() {
      const port = relay.port;
      await relay.close();
      relay = await startRelay({ ...relayOptions, port });
    },
    async close() {
      await Promise.all(agents.map((a) => a.stop()));
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A viewer speaking the attach protocol, keeping a plain-text transcript of output. */
export class TestViewer {
  readonly messages: RelayToViewer[] = [];
  output = Buffer.alloc(0);
  snapshots: string[] = [];
  sessionId: string | null = null;
  receivedOffset = 0;
  closeCode: number | null = null;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private waiters: Array<() => void> = [];
  autoAck = true;
  /** Acknowledge this long after each frame arrives (a slow browser), when set. */
  ackDelayMs = 0;

  constructor(relayUrl: string, readonly auth: Auth, readonly size = { cols: 100, rows: 30 }, extra: Partial<Extract<ViewerToRelay, { type: 'hello' }>> = {}, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(relayUrl.replace(/^http/, 'ws') + WS_PATH.attach, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.opened.catch(() => {}); // a refused upgrade shows up as closeCode 1006
    this.socket.on('open', () => {
      this.sendJson({ type: 'hello', v: PROTOCOL_VERSION, auth, cols: size.cols, rows: size.rows, client: 'cli', ...extra } as ViewerToRelay);
    });
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const frame = decodeFrame(data);
        if (frame?.kind === Frame.OUTPUT) {
          const end = frame.offset + frame.data.byteLength;
          if (end > this.receivedOffset) {
            const fresh = frame.data.subarray(Math.max(0, this.receivedOffset - frame.offset));
            this.output = Buffer.concat([this.output, fresh]);
            this.receivedOffset = end;
          }
          if (this.autoAck && this.ackDelayMs > 0) setTimeout(() => this.sendJson({ type: 'ack', offset: end }), this.ackDelayMs);
          else if (this.autoAck) this.sendJson({ type: 'ack', offset: end });
        } else if (frame?.kind === Frame.SNAPSHOT) {
          this.snapshots.push(Buffer.from(frame.data).toString('utf8'));
          this.receivedOffset = frame.offset;
          if (this.autoAck) this.sendJson({ type: 'ack', offset: frame.offset });
        }
      } else {
        const message = parseRelayToViewer(data.toString('utf8'));
        if (message) {
          this.messages.push(message);
          if (message.type === 'attached') this.sessionId = message.sessionId;
          if (message.type === 'ping') this.sendJson({ type: 'pong', id: message.id });
        }
      }
      this.wake();
    });
    this.socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static share(relayUrl: string, token: string, size?: { cols: number; rows: number }, extra = {}): TestViewer {
    return new TestViewer(relayUrl, { kind: 'share', token }, size, extra);
  }

  get text(): string {
    return this.output.toString('utf8');
  }

  sendJson(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  async type(text: string): Promise<void> {
    await this.opened;
    this.socket.send(encodeInput(Buffer.from(text, 'utf8')));
  }

  /** Wait until `predicate` holds (checked on every message), or fail after `ms`. */
  async until(predicate: () => boolean, what: string, ms = 8000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; output tail: ${JSON.stringify(this.text.slice(-300))}; messages: ${JSON.stringify(this.messages.slice(-5))}; close ${this.closeCode}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilText(needle: string | RegExp, ms?: number): Promise<void> {
    const test = () => (typeof needle === 'string' ? this.text.includes(needle) : needle.test(this.text));
    return this.until(test, `output ${needle}`, ms);
  }

  untilMessage<T extends RelayToViewer['type']>(type: T, ms?: number): Promise<Extract<RelayToViewer, { type: T }>> {
    return this.until(() => this.messages.some((m) => m.type === type), `message ${type}`, ms).then(
      () => this.messages.filter((m) => m.type === type).at(-1) as Extract<RelayToViewer, { type: T }>,
    );
  }

  untilClosed(ms?: number): Promise<number> {
    return this.until(() => this.closeCode !== null, 'close', ms).then(() => this.closeCode!);
  }

  close(): void {
    this.socket.close(1000);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
