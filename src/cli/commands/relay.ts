// `termlink relay`: run a relay on its own (agents elsewhere dial in).
import { startRelay } from '../../relay/server.js';
import { parseArgs } from '../args.js';
import { dataDirOf, portOf } from '../config.js';
import type { CommandIO } from '../io.js';
import { untilSignal } from '../lifecycle.js';

export const RELAY_FLAGS = { values: ['port', 'data-dir', 'host', 'public-url', 'database', 'redis', 'advertise-url'], booleans: ['test-clock', 'trust-proxy'] };

export async function relayCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, RELAY_FLAGS);
  if (args.booleans.has('help')) {
    return io.out('usage: termlink relay [--port N] [--host 127.0.0.1] [--data-dir DIR] [--public-url URL] [--trust-proxy]\n       [--database postgres://…] [--redis redis://… --advertise-url URL]  (cluster; TERMLINK_CLUSTER_SECRET)'), 0;
  }
  const relay = await startRelay({
    dataDir: dataDirOf(args),
    port: portOf(args),
    host: args.flags.host ?? '127.0.0.1',
    publicUrl: args.flags['public-url'] ?? process.env.TERMLINK_PUBLIC_URL,
    testClock: args.booleans.has('test-clock'),
    trustProxy: args.booleans.has('trust-proxy'),
    database: args.flags.database ?? process.env.TERMLINK_DATABASE_URL,
    redis: args.flags.redis ?? process.env.TERMLINK_REDIS_URL,
    clusterSecret: process.env.TERMLINK_CLUSTER_SECRET,
    advertiseUrl: args.flags['advertise-url'],
  });
  io.err(`termlink relay listening on ${relay.url} (data in ${dataDirOf(args)})`);
  if (relay.createdOperatorKey) io.err(`operator key written to ${dataDirOf(args)}/operator.key`);
  const signal = await untilSignal();
  // SIGTERM (orchestrators): drain gracefully; Ctrl-C: quick stop.
  await relay.close(signal === 'SIGTERM' ? 10_000 : 500);
  return 0;
}
