// The HTTP API: link lookup for the share page (share token in a header) and
// the operator's mint / list / revoke / history / machines (operator key).
// A share token opens nothing but its own lookup; every other route needs a key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, TokenPrefix, isValidHostname, type LinkInfo } from '../common/protocol.js';
import { DEFAULT_TTL_HOURS, checkTtlHours, parseTtl } from '../common/ttl.js';
import { hashSecret, newSecret } from '../platform/secrets.js';
import type { AdjustableClock, Clock } from './clock.js';
import type { Cluster } from './cluster.js';
import { bearer, clientAddress, readJsonBody, sendError, sendJson } from './httpUtil.js';
import { iso, type LinkService, type Operator } from './links.js';
import type { FailureCounter } from './rateLimit.js';
import type { HubRegistry } from './registry.js';
import type { Store } from './store.js';

export interface ApiDeps {
  links: LinkService;
  hubs: HubRegistry;
  store: Store;
  clock: Clock;
  failures: FailureCounter;
  /** Set only with --test-clock: lets tests move time. */
  testClock: AdjustableClock | null;
  trustProxy: boolean;
  cluster: Cluster | null;
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, deps: ApiDeps): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/api/link' && method === 'GET') return lookupLink(req, res, deps);

  if (path.startsWith('/api/test/')) return testRoutes(req, res, path, deps);

  // Operator-key failures are counted apart from share-token guessing, so guests guessing
  // links behind the same address never lock the operator out of revoke.
  const addr = `key:${clientAddress(req, deps.trustProxy)}`;
  const wait = await deps.failures.retryAfter(addr);
  if (wait > 0) return sendError(res, ErrorCode.RATE_LIMITED, 'too many failed attempts; wait', { retry_after_ms: wait });
  const key = bearer(req, 'Bearer');
  const operator = key ? await deps.links.operatorByKey(key) : null;
  if (!operator) {
    await deps.failures.fail(addr);
    return sendError(res, ErrorCode.UNAUTHENTICATED, key ? 'operator API key not valid' : 'an operator API key is required (Authorization: Bearer tlk_…)');
  }

  const shareRoute = /^\/api\/shares(?:\/([^/]+))?(\/history)?$/.exec(path);
  if (shareRoute) {
    const [, rawRef, history] = shareRoute;
    let ref: string | undefined;
    try {
      ref = rawRef === undefined ? undefined : decodeURIComponent(rawRef);
    } catch {
      return sendError(res, ErrorCode.BAD_REQUEST, 'malformed share reference in the path');
    }
    if (!ref && method === 'POST') return mintShare(req, res, operator, deps);
    if (!ref && method === 'GET') {
      const host = new URL(req.url ?? '/', 'http://x').searchParams.get('host') ?? undefined;
      return answer(res, await deps.links.list(operator, host));
    }
    if (ref && history && method === 'GET') return answer(res, await deps.links.history(operator, ref));
    if (ref && !history && method === 'DELETE') return answer(res, await deps.links.revoke(operator, ref));
  }
  if (path === '/api/machines' && method === 'GET') return sendJson(res, 200, await deps.links.machines(operator));
  if (path === '/api/machines' && method === 'POST') return enrollMachine(req, res, operator, deps);
  if (shareRoute || path === '/api/machines') return sendJson(res, 405, { code: ErrorCode.BAD_REQUEST, message: `${method} is not allowed on ${path}` });
  return sendError(res, ErrorCode.NOT_FOUND, `no API route ${method} ${path}`);
}

type Answer<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; candidates?: string[] };

function answer<T>(res: ServerResponse, result: Answer<T>, status = 200): void {
  if (result.ok) sendJson(res, status, result.value);
  else sendError(res, result.code, result.message, result.candidates ? ({ candidates: result.candidates } as object) : {});
}

async function lookupLink(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const addr = `share:${clientAddress(req, deps.trustProxy)}`;
  const wait = await deps.failures.retryAfter(addr);
  if (wait > 0) return sendError(res, ErrorCode.RATE_LIMITED, 'Too many failed link checks from your address; wait a minute.', { retry_after_ms: wait });
  const token = bearer(req, 'Share');
  const share = token ? await deps.links.check(token) : null;
  if (!share || !share.ok) {
    await deps.failures.fail(addr);
    return sendError(res, ErrorCode.UNAUTHENTICATED, share?.message ?? 'This link is not valid.', {
      reason: share && !share.ok ? share.reason : 'unknown',
      expired_at: share && !share.ok ? share.expiredAt : undefined,
    });
  }
  const hub = deps.hubs.get(share.value.machine_id);
  // In a cluster the agent may be connected to another relay.
  const elsewhere = !hub?.online && deps.cluster ? await deps.cluster.agentAnywhere(share.value.machine_id) : null;
  const info: LinkInfo = {
    machine: { id: share.value.machine_id, hostname: share.value.hostname },
    expires_at: iso(share.value.expires_at),
    requires_password: hub?.online ? hub.requiresPassword : (elsewhere?.requiresPassword ?? false),
    online: (hub?.online ?? false) || elsewhere !== null,
    read_only: share.value.read_only === 1,
  };
  sendJson(res, 200, info);
}

async function mintShare(req: IncomingMessage, res: ServerResponse, operator: Operator, deps: ApiDeps): Promise<void> {
  const parsed = await readJsonBody(req);
  if (!parsed.ok) return sendError(res, parsed.tooLarge ? ErrorCode.TOO_LARGE : ErrorCode.BAD_REQUEST, 'body must be a small JSON object');
  const { host, ttl, ttl_hours: ttlHours, read_only: readOnly } = parsed.body;
  if (typeof host !== 'string' || host.trim() === '') return sendError(res, ErrorCode.BAD_REQUEST, '"host" (hostname, machine id or unique prefix) is required');
  let hours = DEFAULT_TTL_HOURS;
  if (ttl !== undefined && ttlHours !== undefined) return sendError(res, ErrorCode.BAD_TTL, 'give "ttl" or "ttl_hours", not both');
  if (typeof ttl === 'string') {
    const result = parseTtl(ttl);
    if (!result.ok) return sendError(res, ErrorCode.BAD_TTL, result.error);
    hours = result.hours;
  } else if (ttl !== undefined) {
    return sendError(res, ErrorCode.BAD_TTL, '"ttl" must be a string such as "4h"');
  } else if (ttlHours !== undefined) {
    const result = checkTtlHours(ttlHours);
    if (!result.ok) return sendError(res, ErrorCode.BAD_TTL, result.error);
    hours = result.hours;
  }
  if (readOnly !== undefined && typeof readOnly !== 'boolean') return sendError(res, ErrorCode.BAD_REQUEST, '"read_only" must be true or false');
  answer(res, await deps.links.mint(operator, host, hours, readOnly === true), 201);
}

async function enrollMachine(req: IncomingMessage, res: ServerResponse, operator: Operator, deps: ApiDeps): Promise<void> {
  const parsed = await readJsonBody(req);
  if (!parsed.ok) return sendError(res, parsed.tooLarge ? ErrorCode.TOO_LARGE : ErrorCode.BAD_REQUEST, 'body must be a small JSON object');
  const hostname = parsed.body.hostname;
  if (!isValidHostname(hostname)) {
    return sendError(res, ErrorCode.BAD_REQUEST, '"hostname" must be a hostname');
  }
  const machineKey = newSecret(TokenPrefix.machineKey);
  const machine = await deps.store.createMachine(operator.workspaceId, hostname, hashSecret(machineKey), deps.clock.now());
  sendJson(res, 201, { machine_id: machine.id, machine_key: machineKey, hostname });
}

async function testRoutes(req: IncomingMessage, res: ServerResponse, path: string, deps: ApiDeps): Promise<void> {
  if (!deps.testClock) return sendError(res, ErrorCode.NOT_FOUND, 'no such route');
  const parsed = await readJsonBody(req);
  if (!parsed.ok) return sendError(res, ErrorCode.BAD_REQUEST, 'bad body');
  if (path === '/api/test/clock' && req.method === 'POST') {
    const now = parsed.body.now_ms;
    if (typeof now !== 'number' || !Number.isFinite(now)) return sendError(res, ErrorCode.BAD_REQUEST, 'now_ms required');
    deps.testClock.set(now);
    return sendJson(res, 200, { now_ms: deps.testClock.now() });
  }
  if (path === '/api/test/sweep' && req.method === 'POST') return sendJson(res, 200, { soft_deleted: await deps.links.sweepNow() });
  return sendError(res, ErrorCode.NOT_FOUND, 'no such test route');
}
