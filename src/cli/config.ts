// Where the CLI finds things: the data directory (default ./.termlink), the
// relay URL and operator key written there by the relay, or flags / env vars.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATA_FILES } from '../relay/server.js';
import { UsageError, type ParsedArgs } from './args.js';

export const DEFAULT_PORT = 8790;

export function dataDirOf(args: ParsedArgs): string {
  return resolve(args.flags['data-dir'] ?? process.env.TERMLINK_DATA_DIR ?? '.termlink');
}

export function portOf(args: ParsedArgs): number {
  const text = args.flags.port ?? process.env.TERMLINK_PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port ${JSON.stringify(text)}: use 0-65535`);
  return port;
}

/** The relay this CLI talks to: --relay, TERMLINK_RELAY, or the one that wrote the data dir. */
export function relayUrlOf(args: ParsedArgs): string {
  const given = args.flags.relay ?? process.env.TERMLINK_RELAY;
  if (given) return given.replace(/\/+$/, '');
  const info = join(dataDirOf(args), DATA_FILES.relayInfo);
  if (existsSync(info)) return (JSON.parse(readFileSync(info, 'utf8')) as { url: string }).url;
  throw new UsageError(`no relay known: pass --relay URL, set TERMLINK_RELAY, or run from the directory holding ${dataDirOf(args)}`);
}

/** The operator key: TERMLINK_API_KEY, or the key file the relay created in the data dir. */
export function operatorKeyOf(args: ParsedArgs): string {
  const fromEnv = process.env.TERMLINK_API_KEY;
  if (fromEnv) return fromEnv.trim();
  const file = join(dataDirOf(args), DATA_FILES.operatorKey);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new UsageError(`no operator key: set TERMLINK_API_KEY or run where ${file} exists`);
}
