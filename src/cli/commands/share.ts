// `termlink share HOST [--ttl D] [--read-only]`: mint a link, print the spec's JSON.
import { DEFAULT_TTL_HOURS, parseTtl } from '../../common/ttl.js';
import type { MintedShare } from '../../common/protocol.js';
import { callApi } from '../apiClient.js';
import { UsageError, parseArgs } from '../args.js';
import { operatorKeyOf, relayUrlOf } from '../config.js';
import { fail, type CommandIO } from '../io.js';

export const SHARE_USAGE = `usage: termlink share HOST [--ttl D] [--read-only] [--relay URL] [--data-dir DIR]
  HOST   hostname, machine id, or a unique prefix of either
  --ttl  4h, 90m (rounds up to 2h), 1h30m, 2d, 3600s, or hours (4); 0 = never expires. Default 24h.`;

export async function shareCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['ttl', 'relay', 'data-dir'], booleans: ['read-only', 'json'] });
  if (args.booleans.has('help')) return io.out(SHARE_USAGE), 0;
  if (args.positionals.length !== 1) throw new UsageError(`share takes exactly one HOST\n${SHARE_USAGE}`);
  let hours = DEFAULT_TTL_HOURS;
  if (args.flags.ttl !== undefined) {
    const ttl = parseTtl(args.flags.ttl);
    if (!ttl.ok) throw new UsageError(ttl.error);
    hours = ttl.hours;
  }
  if (hours === 0) io.err('warning: --ttl 0 mints a link that NEVER expires; revoke it with `termlink revoke` when done');
  const result = await callApi<MintedShare>(relayUrlOf(args), operatorKeyOf(args), 'POST', '/api/shares', {
    host: args.positionals[0],
    ttl_hours: hours,
    read_only: args.booleans.has('read-only'),
  });
  if (!result.ok) return fail(io, result.error);
  const { url, token, machine_id, expires_at } = result.value;
  io.out(JSON.stringify({ url, token, machine_id, expires_at }, null, 2));
  return 0;
}
