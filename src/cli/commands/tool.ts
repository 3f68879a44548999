// `termlink tool`: the agent-tool JSON surface. One JSON request on stdin, one
// JSON answer on stdout; errors are JSON with a code and message, never a trace.
import { DEFAULT_TTL_HOURS, checkTtlHours } from '../../common/ttl.js';
import type { MintedShare } from '../../common/protocol.js';
import { callApi } from '../apiClient.js';
import { parseArgs } from '../args.js';
import { operatorKeyOf, relayUrlOf } from '../config.js';
import type { CommandIO } from '../io.js';

/** The request fields the agent tool understands. */
const TOOL_FIELDS = ['operation', 'hostname', 'ttl_hours', 'read_only'];

export async function toolCommand(argv: string[], io: CommandIO, stdin: () => Promise<string>): Promise<number> {
  const reply = (body: object, code: number) => (io.out(JSON.stringify(body)), code);
  const error = (code: string, message: string) => reply({ error: { code, message } }, 1);
  let args;
  try {
    args = parseArgs(argv, { values: ['relay', 'data-dir'] });
  } catch (e) {
    return error('BAD_REQUEST', (e as Error).message);
  }
  let request: unknown;
  try {
    request = JSON.parse(await stdin());
  } catch {
    return error('BAD_REQUEST', 'stdin must hold one JSON object, e.g. {"operation":"share","hostname":"vps-audi","ttl_hours":4}');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return error('BAD_REQUEST', 'the request must be a JSON object');
  const fields = request as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !TOOL_FIELDS.includes(k));
  if (unknown.length > 0) {
    // Never mint something other than what was asked: an unknown field is an error, not a default.
    return error('BAD_REQUEST', `unknown field(s) ${unknown.join(', ')}; accepted: ${TOOL_FIELDS.join(', ')}`);
  }
  const { operation, hostname, ttl_hours: ttlHours, read_only: readOnly } = fields;
  if (operation !== 'share') return error('BAD_REQUEST', `unknown operation ${JSON.stringify(operation)}; supported: "share"`);
  if (readOnly !== undefined && typeof readOnly !== 'boolean') return error('BAD_REQUEST', '"read_only" must be true or false');
  if (typeof hostname !== 'string' || hostname.trim() === '') return error('BAD_REQUEST', '"hostname" must be a non-empty string');
  let hours = DEFAULT_TTL_HOURS;
  if (ttlHours !== undefined) {
    const checked = checkTtlHours(ttlHours);
    if (!checked.ok) return error('BAD_TTL', checked.error);
    hours = checked.hours;
  }
  let relay: string;
  let key: string;
  try {
    relay = relayUrlOf(args);
    key = operatorKeyOf(args);
  } catch (e) {
    return error('UNAUTHENTICATED', (e as Error).message);
  }
  const result = await callApi<MintedShare>(relay, key, 'POST', '/api/shares', { host: hostname, ttl_hours: hours, read_only: readOnly === true });
  if (!result.ok) return error(result.error.code, result.error.message);
  const { url, token, machine_id, expires_at } = result.value;
  return reply({ url, token, machine_id, expires_at }, 0);
}
