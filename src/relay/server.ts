// Starts a relay: one HTTP port for the page, the API and both WebSockets.
// Bootstraps the data directory (SQLite file, first workspace and operator key).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { CloseCode, ErrorCode, TokenPrefix, WS_PATH } from '../common/protocol.js';
import { createLogger, type LogLevel, type Logger } from '../platform/log.js';
import { hashSecret, newSecret } from '../platform/secrets.js';
import { handleAgentSocket } from './agentGateway.js';
import { handleApi } from './api.js';
import { AdjustableClock, systemClock, type Clock } from './clock.js';
import { SECURITY_HEADERS, sendError, sendJson } from './httpUtil.js';
import { Cluster } from './cluster.js';
import { LinkService } from './links.js';
import { RelayMetrics } from './metrics.js';
import { FailureLimiter } from './rateLimit.js';
import { HubRegistry } from './registry.js';
import { StaticFiles } from './staticFiles.js';
import { openStore, type Store } from './store.js';
import { handleViewerSocket } from './viewerGateway.js';

export interface RelayOptions {
  dataDir: string;
  /** postgres://… to keep links in PostgreSQL (a cluster of relays); default: SQLite in dataDir. */
  database?: string;
  host?: string;
  port?: number;
  /** Base URL printed in share links (behind a proxy); default http://host:port. */
  publicUrl?: string;
  /** Enable POST /api/test/clock (tests only). */
  testClock?: boolean;
  webRoot?: string;
  logLevel?: LogLevel;
  /** redis://… to run as one of several relays (needs a shared --database and clusterSecret). */
  redis?: string;
  /** Shared by the relays of a cluster; lets them forward viewers to each other. */
  clusterSecret?: string;
  /** How the other relays reach this one; default its listen URL. */
  advertiseUrl?: string;
  /** Take the client address from X-Forwarded-For (set only behind your own reverse proxy). */
  trustProxy?: boolean;
  /** Failed token/key checks allowed per client address per minute. */
  maxFailuresPerMinute?: number;
}

export interface RelayHandle {
  url: string;
  port: number;
  store: Store;
  links: LinkService;
  clock: Clock;
  /** The operator key created on first run (null when the data dir already had one). */
  createdOperatorKey: string | null;
  metrics: RelayMetrics;
  /** Drain: refuse new sockets, tell everyone to reconnect elsewhere, wait up to graceMs, then stop. */
  close(graceMs?: number): Promise<void>;
}

/** Files the relay writes into its data directory for the CLI to find. */
export const DATA_FILES = { db: 'termlink.db', operatorKey: 'operator.key', relayInfo: 'relay.json' } as const;

export async function startRelay(options: RelayOptions): Promise<RelayHandle> {
  const log = createLogger('relay', options.logLevel);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const testClock = options.testClock ? new AdjustableClock() : null;
  const clock: Clock = testClock ?? systemClock;
  const store = await openStore(options.database ?? join(dataDir, DATA_FILES.db));
  // With one relay (SQLite) every open attach row is from a crashed run; a cluster shares them.
  if (store.kind === 'sqlite') await store.closeDanglingAttaches(clock.now());
  const createdOperatorKey = await bootstrapWorkspace(store, dataDir, clock, log);

  const metrics = new RelayMetrics();
  const hubs = new HubRegistry(log, metrics);
  let draining = false;
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (options.redis && !options.clusterSecret) throw new Error('cluster mode (--redis) needs a cluster secret (TERMLINK_CLUSTER_SECRET)');
  if (options.redis && port === 0 && !options.advertiseUrl) throw new Error('cluster mode needs a fixed --port or an --advertise-url');
  const cluster = options.redis ? new Cluster(options.redis, options.advertiseUrl ?? `http://${host}:${port}`, log) : null;
  const links = new LinkService(store, hubs, clock, () => publicUrl, log, cluster);
  const maxFailures = options.maxFailuresPerMinute ?? 30;
  const failures = cluster ? cluster.failureCounter(maxFailures, 60_000) : new FailureLimiter(maxFailures, 60_000);
  const files = new StaticFiles(options.webRoot ?? resolve(import.meta.dirname, '../../dist/web'));
  const deps = {
    links,
    hubs,
    store,
    clock,
    failures,
    log,
    testClock,
    trustProxy: options.trustProxy ?? false,
    cluster,
    clusterSecret: options.clusterSecret,
    onAgentOnline: (machineId: string, requiresPassword: boolean) =>
      void cluster?.announceAgent(machineId, requiresPassword).catch((error: unknown) => log.warn('announce failed', { error })),
    onAgentOffline: (machineId: string) => void cluster?.withdrawAgent(machineId).catch(() => {}),
  };

  const server: Server = createServer((req, res) => {
    const path = requestPath(req);
    if (path === null) return sendError(res, ErrorCode.BAD_REQUEST, 'malformed request target');
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') return sendJson(res, draining ? 503 : 200, { ready: !draining });
    if (path === '/metrics') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; version=0.0.4', 'Cache-Control': 'no-store' });
      res.end(metrics.render({ ...hubs.gauges(), draining }));
      return;
    }
    if (path.startsWith('/api/')) {
      handleApi(req, res, path, deps).catch((error: unknown) => {
        log.error('api error', { error });
        if (!res.headersSent) sendError(res, ErrorCode.INTERNAL, 'internal error');
      });
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && files.serve(req, res, path)) return;
    sendError(res, ErrorCode.NOT_FOUND, 'not found');
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));

  const viewerWss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // A client may reset a socket we are refusing: that error must not reach the process.
    socket.on('error', (error) => log.debug('upgrade socket error', { error: error.message }));
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const path = requestPath(req);
    if (path === null) return refuse('400 Bad Request');
    if (draining) {
      // Load balancers see /readyz fail; stragglers are told to go elsewhere.
      refuse('503 Service Unavailable');
      return;
    }
    if (path.endsWith(WS_PATH.attach)) {
      if (!originAllowed(req, publicUrl)) {
        refuse('403 Forbidden');
        return;
      }
      viewerWss.handleUpgrade(req, socket, head, (ws) => handleViewerSocket(ws, req, deps));
    } else if (path.endsWith(WS_PATH.agent)) {
      agentWss.handleUpgrade(req, socket, head, (ws) => handleAgentSocket(ws, req, deps));
    } else {
      refuse('404 Not Found');
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const url = `http://${host}:${(server.address() as { port: number }).port}`;
  await cluster?.start(
    {
      onLinkEnded: (linkId, reason, message) => hubs.endLinkAnywhere(linkId, reason, message),
      onAgentOnline: (machineId) => hubs.redirect(machineId),
    },
    () => hubs.attachedByLink(),
  );
  if (!publicUrl) publicUrl = url;
  writeFileSync(join(dataDir, DATA_FILES.relayInfo), JSON.stringify({ url, public_url: publicUrl, pid: process.pid }, null, 2) + '\n');
  await links.start();
  if (!files.available) log.warn('share page not built: run `npm run build`');
  log.info('relay listening', { url, public_url: publicUrl, data_dir: dataDir });

  return {
    url,
    port: (server.address() as { port: number }).port,
    store,
    links,
    clock,
    createdOperatorKey,
    metrics,
    async close(graceMs = 0) {
      draining = true;
      links.stop();
      await cluster?.stop().catch(() => {});
      // Viewers get a retryable close (they reconnect, through a load balancer to another relay);
      // agents reconnect likewise. Give the close handshakes `graceMs`, then cut what is left.
      const clients = [...viewerWss.clients, ...agentWss.clients];
      const closed = clients.map((client) => new Promise<void>((ok) => client.once('close', () => ok())));
      for (const hub of hubs.all()) hub.closeAll(CloseCode.UNAVAILABLE, 'relay draining; reconnect');
      if (graceMs > 0) {
        let deadline: NodeJS.Timeout | undefined;
        // The deadline must not keep an otherwise finished process alive (an idle relay exits at once).
        await Promise.race([Promise.all(closed), new Promise((ok) => (deadline = setTimeout(ok, graceMs)))]);
        clearTimeout(deadline);
      }
      for (const client of clients) client.terminate();
      // Wait for every socket's close handler (they write detach times) before closing the store.
      await Promise.all(closed);
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await store.close();
    },
  };
}

/** Browsers must come from this relay's own origin (or its public URL); non-browsers send no Origin. */
function originAllowed(req: IncomingMessage, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const originUrl = new URL(origin);
    if (originUrl.host === req.headers.host) return true;
    return publicUrl !== '' && originUrl.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/** First run: one workspace and an operator key, written 0600 for the CLI. */
async function bootstrapWorkspace(store: Store, dataDir: string, clock: Clock, log: Logger): Promise<string | null> {
  if ((await store.countWorkspaces()) > 0) return null;
  const workspace = await store.createWorkspace('default', clock.now());
  const key = newSecret(TokenPrefix.operatorKey);
  await store.addApiKey(workspace.id, hashSecret(key), clock.now());
  const keyFile = join(dataDir, DATA_FILES.operatorKey);
  writeFileSync(keyFile, key + '\n', { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  log.info('created workspace and operator key', { workspace: workspace.id, key_file: keyFile });
  return key;
}

/** The request's path, or null when its target is not a URL path at all (`//[`, …). */
function requestPath(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://relay').pathname;
  } catch {
    return null;
  }
}
