// One store suite, run on both engines: SQLite (always) and PostgreSQL (a
// throwaway server; CI installs it, elsewhere the suite says it was skipped).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../platform/secrets.js';
import { postgresAvailable, startPostgres, type Service } from '../testing/services.js';
import { openStore, type Store } from './store.js';

const engines: Array<[string, () => Promise<{ location: string; cleanup: () => Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'termlink-store-'));
      return { location: join(dir, 'store.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'postgres',
    async () => {
      const pg: Service = await startPostgres();
      return { location: pg.url, cleanup: () => pg.stop() };
    },
  ],
];

const pgMissing = !postgresAvailable();
if (pgMissing && process.env.CI) throw new Error('CI must have PostgreSQL installed for the store suite (.ci/run installs it)');

describe.each(engines)('store on %s', (engine, provision) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const skip = engine === 'postgres' && pgMissing;

  beforeAll(async () => {
    if (skip) return;
    const made = await provision();
    cleanup = made.cleanup;
    store = await openStore(made.location);
  }, 60_000);
  afterAll(async () => {
    if (skip) return;
    await store.close();
    await cleanup();
  });

  it.skipIf(skip)('migrates, and migrating again is a no-op', async () => {
    expect(store.kind).toBe(engine);
    expect(await store.countWorkspaces()).toBe(0);
  });

  it.skipIf(skip)('keeps workspaces, keys, machines, shares and the audit trail, hashed secrets only', async () => {
    const now = 1_800_000_000_000;
    const ws = await store.createWorkspace('acme', now);
    const other = await store.createWorkspace('other', now);
    const keyId = await store.addApiKey(ws.id, hashSecret('tlk_key'), now);
    expect(await store.apiKeyByHash(hashSecret('tlk_key'))).toEqual({ id: keyId, workspace_id: ws.id });
    expect(await store.apiKeyByHash(hashSecret('tlk_other'))).toBeUndefined();
    const audi = await store.createMachine(ws.id, 'vps-audi', hashSecret('tlm_a'), now);
    await store.createMachine(other.id, 'vps-elsewhere', hashSecret('tlm_b'), now);
    expect((await store.machineByKeyHash(hashSecret('tlm_a')))?.id).toBe(audi.id);
    expect((await store.machinesInWorkspace(ws.id)).map((m) => m.hostname)).toEqual(['vps-audi']);
    await store.touchMachine(audi.id, 'vps-audi-2', now + 5);
    expect(await store.machineById(audi.id)).toMatchObject({ hostname: 'vps-audi-2', last_seen_at: now + 5 });

    const make = (hash: string, prefix: string, expiresAt: number | null) =>
      store.createShare({ workspaceId: ws.id, machineId: audi.id, tokenHash: hashSecret(hash), tokenPrefix: prefix, readOnly: false, expiresAt }, now);
    const soon = await make('shr_soon', 'shr_soonAAAA', now + 3_600_000);
    const never = await make('shr_never', 'shr_nevrAAAA', null);
    const later = await make('shr_later', 'shr_latrAAAA', now + 7_200_000);
    expect((await store.shareByTokenHash(hashSecret('shr_never')))?.id).toBe(never.id);
    expect((await store.activeShares(ws.id, now)).map((s) => s.id)).toEqual([soon.id, never.id, later.id].sort((a, b) => (a < b ? -1 : 1)));
    expect((await store.activeShares(other.id, now)).length).toBe(0);
    expect((await store.activeShares(ws.id, now + 3_600_000)).map((s) => s.id)).not.toContain(soon.id);
    expect((await store.sharesByPrefix(ws.id, 'shr_nevr')).map((s) => s.id)).toEqual([never.id]);
    expect((await store.sharesByPrefix(ws.id, 'shr_NEVR')).length).toBe(0); // case matters on both engines
    expect((await store.sharesByPrefix(other.id, 'shr_nevr')).length).toBe(0);
    expect(await store.revokeShare(never.id, now + 1)).toBe(true);
    expect(await store.revokeShare(never.id, now + 2)).toBe(false);
    expect((await store.expiringShares()).map((s) => s.id).sort()).toEqual([soon.id, later.id].sort());
    expect(await store.sweepExpired(now + 3_600_000)).toBe(1);
    expect((await store.shareById(ws.id, soon.id))?.deleted_at).toBe(now + 3_600_000);

    const attach = await store.recordAttach({ shareId: later.id, machineId: audi.id, kind: 'share', clientAddr: '127.0.0.1', userAgent: 'test' }, now + 10);
    await store.recordDetach(attach, now + 20);
    expect(await store.attachHistory(later.id)).toEqual([
      expect.objectContaining({ kind: 'share', client_addr: '127.0.0.1', attached_at: now + 10, detached_at: now + 20 }),
    ]);

    const everything = JSON.stringify([await store.dumpTable('shares'), await store.dumpTable('api_keys'), await store.dumpTable('machines')]);
    for (const secret of ['shr_soon', 'shr_never', 'tlk_key', 'tlm_a']) expect(everything).not.toContain(`"${secret}"`);
  });
});
