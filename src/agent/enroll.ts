// First run of an agent: trade an operator key for a machine id and machine key
// (kept in the agent's state file), so later runs need no operator key at all.
import { hostname as osHostname } from 'node:os';
import { loadAgentState, saveAgentState, type AgentState } from './state.js';

export async function ensureEnrolled(options: {
  stateFile: string;
  relayUrl: string;
  hostname?: string;
  operatorKey: () => string;
}): Promise<AgentState> {
  const existing = loadAgentState(options.stateFile);
  // A name given once (--hostname) sticks: a later run without the flag must not rename the machine.
  const hostname = options.hostname ?? existing?.hostname ?? machineName();
  if (existing && existing.relay === options.relayUrl) {
    if (existing.hostname !== hostname) {
      existing.hostname = hostname;
      saveAgentState(options.stateFile, existing);
    }
    return existing;
  }
  const firstRelay = options.relayUrl.split(',')[0].trim();
  const response = await fetch(`${firstRelay}/api/machines`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${options.operatorKey()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ hostname }),
  });
  const body = (await response.json()) as { machine_id?: string; machine_key?: string; message?: string };
  if (!response.ok || !body.machine_id || !body.machine_key) {
    throw new Error(`enrolling this machine failed: ${body.message ?? response.status}`);
  }
  const state: AgentState = {
    relay: options.relayUrl,
    machine_id: body.machine_id,
    machine_key: body.machine_key,
    hostname,
    password_hash: existing?.password_hash,
  };
  saveAgentState(options.stateFile, state);
  return state;
}

/** This machine's hostname in the form the relay accepts (letters, digits, `._-`). */
export function machineName(raw = osHostname()): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 253);
  return cleaned === '' ? 'machine' : cleaned;
}
