import { describe, expect, it } from 'vitest';
import { resolveMachineRef } from './machineRef.js';

const machines = [
  { id: 'm_aaa111', hostname: 'vps-audi' },
  { id: 'm_bbb222', hostname: 'vps-bmw' },
  { id: 'm_ccc333', hostname: 'prod-api-1' },
  { id: 'm_ddd444', hostname: 'prod-api-10' },
];

describe('resolveMachineRef', () => {
  it.each([
    ['vps-audi', 'm_aaa111'],
    ['m_bbb222', 'm_bbb222'],
    ['vps-b', 'm_bbb222'],
    ['m_ccc', 'm_ccc333'],
    ['prod-api-1', 'm_ccc333'], // exact hostname wins over being a prefix of prod-api-10
  ])('%s resolves to %s', (ref, id) => {
    const result = resolveMachineRef(ref, machines);
    expect(result.ok && result.machine.id).toBe(id);
  });

  it('ambiguous prefixes list the candidates', () => {
    const result = resolveMachineRef('vps', machines);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('AMBIGUOUS');
      expect(result.message).toContain('vps-audi');
      expect(result.message).toContain('vps-bmw');
    }
  });

  it('unknown names list the known machines', () => {
    const result = resolveMachineRef('nope', machines);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('NOT_FOUND');
      expect(result.message).toContain('prod-api-10');
    }
  });
});
