// The agent's own state file: which relay, its machine id and key (so the id
// stays the same across restarts), and the machine password's scrypt hash.
import { chmodSync, existsSync, mkdirSync, readFileSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AgentState {
  relay: string;
  machine_id: string;
  machine_key: string;
  hostname: string;
  password_hash?: string;
}

export function loadAgentState(file: string): AgentState | null {
  if (!existsSync(file)) return null;
  const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<AgentState>;
  if (typeof value.machine_id !== 'string' || typeof value.machine_key !== 'string' || typeof value.relay !== 'string') {
    throw new Error(`agent state ${file} is damaged; remove it to enroll again`);
  }
  return value as AgentState;
}

export function saveAgentState(file: string, state: AgentState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Call `onChange` with the password hash whenever `set-password` rewrites the state
 * file (polled: the file is replaced, not edited in place). Returns a stop function.
 */
export function watchPasswordHash(file: string, onChange: (hash: string | undefined) => void, intervalMs = 1000): () => void {
  return onFileChange(
    file,
    () => {
      try {
        onChange(loadAgentState(file)?.password_hash);
      } catch {
        // half-written or damaged: the next change will tell
      }
    },
    intervalMs,
  );
}

/**
 * Call `listener` each time `file` changes, polled (editors and `set-password` replace
 * files rather than edit them, which event-based watching misses). Never keeps the
 * process alive. Returns a stop function.
 */
export function onFileChange(file: string, listener: () => void, intervalMs = 1000): () => void {
  watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(file, listener);
}
