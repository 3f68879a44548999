// `termlink revoke ID|TOKEN|PREFIX`: the link stops working now, live sessions included.
import { callApi } from '../apiClient.js';
import { UsageError, parseArgs } from '../args.js';
import { operatorKeyOf, relayUrlOf } from '../config.js';
import { fail, type CommandIO } from '../io.js';

export async function revokeCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['relay', 'data-dir'], booleans: ['json'] });
  if (args.booleans.has('help')) return io.out('usage: termlink revoke SHARE_ID | TOKEN | PREFIX'), 0;
  if (args.positionals.length !== 1) throw new UsageError('revoke takes one share id, token or unique prefix');
  const result = await callApi<{ id: string; ended_sessions: number }>(
    relayUrlOf(args),
    operatorKeyOf(args),
    'DELETE',
    `/api/shares/${encodeURIComponent(args.positionals[0])}`,
  );
  if (!result.ok) return fail(io, result.error);
  if (args.booleans.has('json')) io.out(JSON.stringify(result.value));
  else io.out(`revoked ${result.value.id}; ${result.value.ended_sessions} live session(s) closed`);
  return 0;
}
