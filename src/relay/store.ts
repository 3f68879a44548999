// The share store: every query of termlink lives here, written once with Kysely
// and run on SQLite (better-sqlite3, the default) or PostgreSQL (a cluster of
// relays). Secrets arrive already hashed; this module never sees a plaintext token.
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { newId } from '../platform/secrets.js';
import { migrateToLatest } from './migrations.js';

export interface WorkspaceRow { id: string; name: string; created_at: number }
export interface MachineRow { id: string; workspace_id: string; hostname: string; created_at: number; last_seen_at: number | null }
export interface ShareRow {
  id: string;
  workspace_id: string;
  machine_id: string;
  token_prefix: string;
  read_only: number;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  deleted_at: number | null;
}
export interface ShareWithMachine extends ShareRow { hostname: string }
export interface AttachRow {
  id: number;
  share_id: string | null;
  machine_id: string;
  kind: string;
  client_addr: string;
  user_agent: string;
  attached_at: number;
  detached_at: number | null;
}

/** The tables, as Kysely sees them. Times are epoch milliseconds. */
export interface Tables {
  workspaces: WorkspaceRow;
  api_keys: { id: string; workspace_id: string; key_hash: string; created_at: number; revoked_at: number | null };
  machines: MachineRow & { key_hash: string };
  shares: ShareRow & { token_hash: string };
  attaches: Omit<AttachRow, 'id'> & { id: Generated<number> };
}

export type StoreKind = 'sqlite' | 'postgres';

// PostgreSQL returns BIGINT as a string (it may exceed 2^53); our epoch-ms values never do.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Open the store named by `location`: a postgres:// URL, or a SQLite file path. Migrates to the latest schema. */
export async function openStore(location: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: location, max: 10 }) }) });
    return Store.ready(db, 'postgres');
  }
  const file = new Database(location);
  // Hashes only, but still nobody else's business: owner-only, like the data directory.
  if (location !== ':memory:') chmodSync(location, 0o600);
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  return Store.ready(new Kysely<Tables>({ dialect: new SqliteDialect({ database: file }) }), 'sqlite');
}

const SHARE_COLUMNS = [
  's.id',
  's.workspace_id',
  's.machine_id',
  's.token_prefix',
  's.read_only',
  's.created_at',
  's.expires_at',
  's.revoked_at',
  's.deleted_at',
  'm.hostname',
] as const;

export class Store {
  private constructor(
    private readonly db: Kysely<Tables>,
    readonly kind: StoreKind,
  ) {}

  static async ready(db: Kysely<Tables>, kind: StoreKind): Promise<Store> {
    await migrateToLatest(db, kind);
    return new Store(db, kind);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ------------------------------------------------------------ workspaces & keys

  async createWorkspace(name: string, now: number): Promise<WorkspaceRow> {
    const row = { id: newId('w_'), name, created_at: now };
    await this.db.insertInto('workspaces').values(row).execute();
    return row;
  }

  async workspaceByName(name: string): Promise<WorkspaceRow | undefined> {
    return this.db.selectFrom('workspaces').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async countWorkspaces(): Promise<number> {
    const row = await this.db.selectFrom('workspaces').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async addApiKey(workspaceId: string, keyHash: string, now: number): Promise<string> {
    const id = newId('k_');
    await this.db.insertInto('api_keys').values({ id, workspace_id: workspaceId, key_hash: keyHash, created_at: now, revoked_at: null }).execute();
    return id;
  }

  /** The workspace an operator key belongs to, when the key is valid. */
  async apiKeyByHash(keyHash: string): Promise<{ id: string; workspace_id: string } | undefined> {
    return this.db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  // ---------------------------------------------------------------------- machines

  async createMachine(workspaceId: string, hostname: string, keyHash: string, now: number): Promise<MachineRow> {
    const row = { id: newId('m_'), workspace_id: workspaceId, hostname, key_hash: keyHash, created_at: now, last_seen_at: null };
    await this.db.insertInto('machines').values(row).execute();
    return { id: row.id, workspace_id: workspaceId, hostname, created_at: now, last_seen_at: null };
  }

  /** The machine a machine key belongs to (agent authentication). */
  async machineByKeyHash(keyHash: string): Promise<MachineRow | undefined> {
    return this.db
      .selectFrom('machines')
      .select(['id', 'workspace_id', 'hostname', 'created_at', 'last_seen_at'])
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
  }

  async machineById(id: string): Promise<MachineRow | undefined> {
    return this.db
      .selectFrom('machines')
      .select(['id', 'workspace_id', 'hostname', 'created_at', 'last_seen_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async machinesInWorkspace(workspaceId: string): Promise<MachineRow[]> {
    return this.db
      .selectFrom('machines')
      .select(['id', 'workspace_id', 'hostname', 'created_at', 'last_seen_at'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('hostname')
      .orderBy('id')
      .execute();
  }

  /** An agent reconnected: record its current hostname and when it was seen. */
  async touchMachine(id: string, hostname: string, now: number): Promise<void> {
    await this.db.updateTable('machines').set({ hostname, last_seen_at: now }).where('id', '=', id).execute();
  }

  // ------------------------------------------------------------------------ shares

  async createShare(
    share: { workspaceId: string; machineId: string; tokenHash: string; tokenPrefix: string; readOnly: boolean; expiresAt: number | null },
    now: number,
  ): Promise<ShareRow> {
    const row: ShareRow = {
      id: newId('s_'),
      workspace_id: share.workspaceId,
      machine_id: share.machineId,
      token_prefix: share.tokenPrefix,
      read_only: share.readOnly ? 1 : 0,
      created_at: now,
      expires_at: share.expiresAt,
      revoked_at: null,
      deleted_at: null,
    };
    await this.db.insertInto('shares').values({ ...row, token_hash: share.tokenHash }).execute();
    return row;
  }

  private sharesWithMachine() {
    return this.db.selectFrom('shares as s').innerJoin('machines as m', 'm.id', 's.machine_id').select(SHARE_COLUMNS);
  }

  /** A share by its token hash, whatever its state (the caller decides what state means). */
  async shareByTokenHash(tokenHash: string): Promise<ShareWithMachine | undefined> {
    return this.sharesWithMachine().where('s.token_hash', '=', tokenHash).executeTakeFirst();
  }

  async shareById(workspaceId: string, id: string): Promise<ShareWithMachine | undefined> {
    return this.sharesWithMachine().where('s.workspace_id', '=', workspaceId).where('s.id', '=', id).executeTakeFirst();
  }

  /** Active (not revoked, not expired, not swept) shares of a workspace, optionally of one machine. */
  async activeShares(workspaceId: string, now: number, machineId?: string): Promise<ShareWithMachine[]> {
    let query = this.sharesWithMachine()
      .where('s.workspace_id', '=', workspaceId)
      .where('s.revoked_at', 'is', null)
      .where('s.deleted_at', 'is', null)
      .where((eb) => eb.or([eb('s.expires_at', 'is', null), eb('s.expires_at', '>', now)]));
    if (machineId) query = query.where('s.machine_id', '=', machineId);
    return query.orderBy('s.created_at').orderBy('s.id').execute();
  }

  /** Every link that is neither revoked nor swept and has an expiry (to arm expiry timers). */
  async expiringShares(): Promise<Array<{ id: string; expires_at: number }>> {
    const rows = await this.db
      .selectFrom('shares')
      .select(['id', 'expires_at'])
      .where('revoked_at', 'is', null)
      .where('deleted_at', 'is', null)
      .where('expires_at', 'is not', null)
      .execute();
    return rows as Array<{ id: string; expires_at: number }>;
  }

  /**
   * Unrevoked shares of a workspace whose id or token prefix starts with `ref`, or whose
   * prefix `ref` starts with. Matched here, not in SQL: LIKE's case rules differ by engine.
   */
  /** Shares whose id or token prefix starts with `ref`: live ones only, unless `includeEnded`. */
  async sharesByPrefix(workspaceId: string, ref: string, includeEnded = false): Promise<ShareWithMachine[]> {
    let query = this.sharesWithMachine().where('s.workspace_id', '=', workspaceId);
    if (!includeEnded) query = query.where('s.revoked_at', 'is', null).where('s.deleted_at', 'is', null);
    const rows = await query.execute();
    return rows.filter((s) => s.id.startsWith(ref) || s.token_prefix.startsWith(ref) || ref.startsWith(s.token_prefix));
  }

  async revokeShare(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('shares').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Soft-delete links that expired at or before `now` (the hourly sweep). Returns how many. */
  async sweepExpired(now: number): Promise<number> {
    const result = await this.db
      .updateTable('shares')
      .set({ deleted_at: now })
      .where('deleted_at', 'is', null)
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  // ------------------------------------------------------------------ audit trail

  async recordAttach(entry: { shareId: string | null; machineId: string; kind: string; clientAddr: string; userAgent: string }, now: number): Promise<number> {
    const row = await this.db
      .insertInto('attaches')
      .values({
        share_id: entry.shareId,
        machine_id: entry.machineId,
        kind: entry.kind,
        client_addr: entry.clientAddr,
        user_agent: entry.userAgent.slice(0, 300),
        attached_at: now,
        detached_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async recordDetach(attachId: number, now: number): Promise<void> {
    await this.db.updateTable('attaches').set({ detached_at: now }).where('id', '=', attachId).where('detached_at', 'is', null).execute();
  }

  /** Attaches left open by a relay that died: close them. Only safe with a single relay. */
  async closeDanglingAttaches(now: number): Promise<void> {
    await this.db.updateTable('attaches').set({ detached_at: now }).where('detached_at', 'is', null).execute();
  }

  async attachHistory(shareId: string): Promise<AttachRow[]> {
    return this.db.selectFrom('attaches').selectAll().where('share_id', '=', shareId).orderBy('id').execute();
  }

  /** Raw SQL escape hatch for tests that must look under the hood (e.g. "no plaintext token stored"). */
  async dumpTable(table: keyof Tables): Promise<unknown[]> {
    return (await sql`select * from ${sql.table(table)}`.execute(this.db)).rows;
  }
}
