// `termlink agent`: run the agent for this machine (dials out to the relay);
// `termlink agent set-password`: store the machine password's scrypt hash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { ensureEnrolled } from '../../agent/enroll.js';
import { hashPassword } from '../../agent/password.js';
import type { ShellCommand } from '../../agent/ptySession.js';
import { loadAgentState, onFileChange, saveAgentState, watchPasswordHash } from '../../agent/state.js';
import { createLogger } from '../../platform/log.js';
import { UsageError, parseArgs, type ParsedArgs } from '../args.js';
import { dataDirOf, operatorKeyOf, relayUrlOf } from '../config.js';
import type { CommandIO } from '../io.js';
import { untilSignal } from '../lifecycle.js';
import { readSecretLine } from '../prompt.js';

const USAGE = `usage: termlink agent [--relay URL] [--data-dir DIR] [--hostname NAME] [--password-file FILE] [--shell "CMD ARGS"]
       termlink agent set-password [--data-dir DIR]   (prompts; stores only a salted scrypt hash)`;

export function agentStateFile(args: ParsedArgs): string {
  return args.flags['state-file'] ?? join(dataDirOf(args), 'agent.json');
}

export function shellOf(text: string | undefined): ShellCommand | undefined {
  if (!text) return undefined;
  const [file, ...rest] = text.trim().split(/\s+/);
  if (!file) throw new UsageError('--shell needs a command');
  return { file, args: rest };
}

export async function agentCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['relay', 'data-dir', 'hostname', 'password-file', 'shell', 'state-file'] });
  if (args.booleans.has('help')) return io.out(USAGE), 0;
  if (args.positionals[0] === 'set-password') return setPassword(args, io);
  if (args.positionals.length > 0) throw new UsageError(USAGE);
  const relayUrl = relayUrlOf(args);
  const stateFile = agentStateFile(args);
  const state = await ensureEnrolled({ stateFile, relayUrl, hostname: args.flags.hostname, operatorKey: () => operatorKeyOf(args) });
  const passwordFile = args.flags['password-file'];
  let passwordHash = state.password_hash;
  let filePassword: string | null = null;
  if (passwordFile) {
    filePassword = readPasswordFile(passwordFile);
    if (filePassword === null) throw new UsageError('the password file is empty');
    passwordHash = await hashPassword(filePassword);
  }
  const log = createLogger('agent');
  let fatal: ((m: string) => void) | undefined;
  const fatalSeen = new Promise<string>((resolve) => (fatal = resolve));
  const agent = new Agent({
    relayUrl,
    machineId: state.machine_id,
    machineKey: state.machine_key,
    hostname: state.hostname,
    passwordHash,
    shell: shellOf(args.flags.shell),
    log,
    onFatal: (m) => fatal?.(m),
  });
  void agent.start();
  // A new password (`agent set-password`, or an edited --password-file) takes effect within a second.
  const unwatch = passwordFile
    ? watchPasswordFile(passwordFile, (password) => {
        if (password === null || password === filePassword) return; // emptied or unchanged: keep the current one
        filePassword = password;
        void hashPassword(password).then((hash) => agent.setPasswordHash(hash));
      })
    : watchPasswordHash(stateFile, (hash) => agent.setPasswordHash(hash));
  io.err(`termlink agent for ${state.hostname} (${state.machine_id}) dialing ${relayUrl}${passwordHash ? '; password required' : ''}`);
  const outcome = await Promise.race([untilSignal(), fatalSeen.then((m) => ({ fatal: m }))]);
  unwatch();
  await agent.stop();
  if (typeof outcome === 'object') {
    io.err(`termlink agent: ${outcome.fatal}`);
    return 1;
  }
  return 0;
}

async function setPassword(args: ParsedArgs, io: CommandIO): Promise<number> {
  const stateFile = agentStateFile(args);
  const state = loadAgentState(stateFile);
  if (!state) throw new UsageError(`no agent state at ${stateFile}: run \`termlink agent\` once first`);
  const first = await readSecretLine('New machine password: ');
  const second = await readSecretLine('Repeat: ');
  if (first !== second) {
    io.err('passwords differ; nothing changed');
    return 1;
  }
  if (first.length < 8) {
    io.err('use at least 8 characters; nothing changed');
    return 1;
  }
  state.password_hash = await hashPassword(first);
  saveAgentState(stateFile, state);
  io.err('password set; a running agent applies it within a second and asks everyone attached for it');
  return 0;
}

/** The password in a --password-file (one trailing newline ignored), or null when empty or unreadable. */
function readPasswordFile(file: string): string | null {
  try {
    const password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    return password === '' ? null : password;
  } catch {
    return null;
  }
}

function watchPasswordFile(file: string, onChange: (password: string | null) => void): () => void {
  return onFileChange(file, () => onChange(readPasswordFile(file)));
}
