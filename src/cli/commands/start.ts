// `termlink start` (what `npm start` runs): a relay, an agent for this machine
// and a fresh 24-hour link, in one process. Ctrl-C stops all of it, shell included.
import { Agent } from '../../agent/agent.js';
import { ensureEnrolled } from '../../agent/enroll.js';
import { createLogger } from '../../platform/log.js';
import { startRelay } from '../../relay/server.js';
import type { MintedShare } from '../../common/protocol.js';
import { callApi } from '../apiClient.js';
import { parseArgs } from '../args.js';
import { dataDirOf, operatorKeyOf, portOf } from '../config.js';
import type { CommandIO } from '../io.js';
import { untilSignal } from '../lifecycle.js';
import { agentStateFile, shellOf } from './agent.js';
import { watchPasswordHash } from '../../agent/state.js';

export async function startCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['port', 'data-dir', 'public-url', 'hostname', 'shell', 'ttl'], booleans: ['test-clock'] });
  if (args.booleans.has('help')) {
    return io.out('usage: termlink start [--port 8790] [--data-dir ./.termlink] [--public-url URL] [--hostname NAME]'), 0;
  }
  const started = Date.now();
  const dataDir = dataDirOf(args);
  const logLevel = process.env.TERMLINK_LOG_LEVEL ? undefined : 'warn';
  const relay = await startRelay({
    dataDir,
    port: portOf(args),
    publicUrl: args.flags['public-url'] ?? process.env.TERMLINK_PUBLIC_URL,
    testClock: args.booleans.has('test-clock'),
    logLevel,
  });
  const state = await ensureEnrolled({
    stateFile: agentStateFile(args),
    relayUrl: relay.url,
    hostname: args.flags.hostname,
    operatorKey: () => operatorKeyOf(args),
  });
  const agent = new Agent({
    relayUrl: relay.url,
    machineId: state.machine_id,
    machineKey: state.machine_key,
    hostname: state.hostname,
    passwordHash: state.password_hash,
    shell: shellOf(args.flags.shell),
    log: createLogger('agent', logLevel),
  });
  await agent.start();
  const unwatch = watchPasswordHash(agentStateFile(args), (hash) => agent.setPasswordHash(hash));
  const minted = await callApi<MintedShare>(relay.url, operatorKeyOf(args), 'POST', '/api/shares', { host: state.machine_id, ttl_hours: 24 });
  if (!minted.ok) {
    io.err(`termlink: could not mint the first link: ${minted.error.message}`);
    unwatch();
    await agent.stop();
    await relay.close();
    return 1;
  }
  io.out(`termlink is running: relay ${relay.url}, agent for ${state.hostname} connected (${Date.now() - started} ms).`);
  io.out(`Share link for ${state.hostname} (valid 24 hours, until ${minted.value.expires_at}):`);
  io.out('');
  io.out(minted.value.url);
  io.out('');
  // The hint must work as typed from here: name a data directory that is not the default.
  const dir = args.flags['data-dir'] ? ` --data-dir ${args.flags['data-dir']}` : '';
  io.out(`Mint more: npx termlink share ${state.hostname} --ttl 4h${dir}   (list: npx termlink shares${dir}, revoke: npx termlink revoke ID${dir})`);
  io.out('Press Ctrl-C to stop; the shared shell stops with it.');
  await untilSignal();
  io.err('stopping…');
  unwatch();
  await agent.stop();
  await relay.close();
  return 0;
}
