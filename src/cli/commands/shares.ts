// `termlink shares [HOST] [--json]` lists active links; `--history ID` shows who attached.
import { callApi } from '../apiClient.js';
import { UsageError, parseArgs } from '../args.js';
import { operatorKeyOf, relayUrlOf } from '../config.js';
import { fail, printable, type CommandIO } from '../io.js';
import type { ShareListing } from '../../relay/links.js';

interface AttachEntry { kind: string; client_addr: string; user_agent: string; attached_at: string; detached_at: string | null }

export async function sharesCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['relay', 'data-dir', 'history'], booleans: ['json'] });
  if (args.booleans.has('help')) return io.out('usage: termlink shares [HOST] [--json] | termlink shares --history SHARE_ID'), 0;
  if (args.positionals.length > 1) throw new UsageError('shares takes at most one HOST');
  const relay = relayUrlOf(args);
  const key = operatorKeyOf(args);
  if (args.flags.history !== undefined) {
    const result = await callApi<AttachEntry[]>(relay, key, 'GET', `/api/shares/${encodeURIComponent(args.flags.history)}/history`);
    if (!result.ok) return fail(io, result.error);
    if (args.booleans.has('json')) return io.out(JSON.stringify(result.value, null, 2)), 0;
    if (result.value.length === 0) return io.out('nobody has attached through this link'), 0;
    io.out(table(['ATTACHED', 'DETACHED', 'KIND', 'ADDRESS', 'USER AGENT'], result.value.map((a) => [a.attached_at, a.detached_at ?? '(attached now)', a.kind, a.client_addr, a.user_agent.slice(0, 60)])));
    return 0;
  }
  const host = args.positionals[0];
  const result = await callApi<ShareListing[]>(relay, key, 'GET', `/api/shares${host ? `?host=${encodeURIComponent(host)}` : ''}`);
  if (!result.ok) return fail(io, result.error);
  if (args.booleans.has('json')) return io.out(JSON.stringify(result.value, null, 2)), 0;
  if (result.value.length === 0) return io.out('no active share links'), 0;
  io.out(
    table(
      ['ID', 'TOKEN', 'MACHINE', 'MODE', 'CREATED', 'EXPIRES', 'ATTACHED'],
      result.value.map((s) => [
        s.id,
        `${s.token_prefix}…`,
        s.hostname,
        s.read_only ? 'view-only' : 'full',
        s.created_at,
        s.never_expires ? '!! NEVER !!' : s.expires_at!,
        String(s.attached),
      ]),
    ),
  );
  const never = result.value.filter((s) => s.never_expires).length;
  if (never > 0) io.err(`warning: ${never} link(s) never expire; revoke them when no longer needed`);
  return 0;
}

export function table(headers: string[], raw: string[][]): string {
  const rows = raw.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
