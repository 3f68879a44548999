// How every command names a machine: exact hostname, exact machine id, or a
// unique prefix of either. Pure, so the rule is tested once and shared.

export interface NamedMachine {
  id: string;
  hostname: string;
}

export type MachineRefResult<M> =
  | { ok: true; machine: M }
  | { ok: false; code: 'NOT_FOUND' | 'AMBIGUOUS'; message: string; candidates: M[] };

export function resolveMachineRef<M extends NamedMachine>(ref: string, machines: M[]): MachineRefResult<M> {
  const wanted = ref.trim();
  const describe = (list: M[]) => list.map((m) => `${m.hostname} (${m.id})`).join(', ');
  if (wanted === '') {
    return { ok: false, code: 'NOT_FOUND', message: `no machine named; known: ${describe(machines) || 'none'}`, candidates: machines };
  }
  const exact = machines.filter((m) => m.hostname === wanted || m.id === wanted);
  if (exact.length === 1) return { ok: true, machine: exact[0] };
  const matches = exact.length > 1 ? exact : machines.filter((m) => m.hostname.startsWith(wanted) || m.id.startsWith(wanted));
  if (matches.length === 1) return { ok: true, machine: matches[0] };
  if (matches.length === 0) {
    return {
      ok: false,
      code: 'NOT_FOUND',
      message: `no machine matches "${wanted}"; known machines: ${describe(machines) || 'none yet (start an agent first)'}`,
      candidates: machines,
    };
  }
  return {
    ok: false,
    code: 'AMBIGUOUS',
    message: `"${wanted}" matches several machines: ${describe(matches)}; use more of the name or the machine id`,
    candidates: matches,
  };
}
