// The share store: every SQL statement of termlink lives here (SQLite through
// better-sqlite3), so another engine can replace it behind the same interface.
// Secrets arrive already hashed; this module never sees a plaintext token.
import Database from 'better-sqlite3';
import { newId } from '../platform/secrets.js';

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

/** Ordered migrations; the index + 1 is the schema version. Append only. */
const MIGRATIONS: string[] = [
  `CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
     key_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);
   CREATE TABLE machines (
     id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
     hostname TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL, last_seen_at INTEGER);
   CREATE INDEX machines_workspace ON machines(workspace_id);
   CREATE TABLE shares (
     id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
     machine_id TEXT NOT NULL REFERENCES machines(id),
     token_hash TEXT NOT NULL UNIQUE, token_prefix TEXT NOT NULL,
     read_only INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER, deleted_at INTEGER);
   CREATE INDEX shares_machine ON shares(machine_id);
   CREATE TABLE attaches (
     id INTEGER PRIMARY KEY AUTOINCREMENT, share_id TEXT, machine_id TEXT NOT NULL,
     kind TEXT NOT NULL, client_addr TEXT NOT NULL, user_agent TEXT NOT NULL,
     attached_at INTEGER NOT NULL, detached_at INTEGER);
   CREATE INDEX attaches_share ON attaches(share_id);`,
];

export class Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  close(): void {
    this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  // ------------------------------------------------------------ workspaces & keys

  createWorkspace(name: string, now: number): WorkspaceRow {
    const row = { id: newId('w_'), name, created_at: now };
    this.db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (@id, @name, @created_at)').run(row);
    return row;
  }

  workspaceByName(name: string): WorkspaceRow | undefined {
    return this.db.prepare('SELECT * FROM workspaces WHERE name = ?').get(name) as WorkspaceRow | undefined;
  }

  countWorkspaces(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM workspaces').get() as { n: number }).n;
  }

  addApiKey(workspaceId: string, keyHash: string, now: number): string {
    const id = newId('k_');
    this.db
      .prepare('INSERT INTO api_keys (id, workspace_id, key_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(id, workspaceId, keyHash, now);
    return id;
  }

  /** The workspace an operator key belongs to, when the key is valid. */
  apiKeyByHash(keyHash: string): { id: string; workspace_id: string } | undefined {
    return this.db
      .prepare('SELECT id, workspace_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL')
      .get(keyHash) as { id: string; workspace_id: string } | undefined;
  }

  // ---------------------------------------------------------------------- machines

  createMachine(workspaceId: string, hostname: string, keyHash: string, now: number): MachineRow {
    const row = { id: newId('m_'), workspace_id: workspaceId, hostname, key_hash: keyHash, created_at: now };
    this.db
      .prepare(
        'INSERT INTO machines (id, workspace_id, hostname, key_hash, created_at) VALUES (@id, @workspace_id, @hostname, @key_hash, @created_at)',
      )
      .run(row);
    return { id: row.id, workspace_id: workspaceId, hostname, created_at: now, last_seen_at: null };
  }

  /** The machine a machine key belongs to (agent authentication). */
  machineByKeyHash(keyHash: string): (MachineRow & { key_hash: string }) | undefined {
    return this.db.prepare('SELECT * FROM machines WHERE key_hash = ?').get(keyHash) as
      | (MachineRow & { key_hash: string })
      | undefined;
  }

  machineById(id: string): MachineRow | undefined {
    return this.db
      .prepare('SELECT id, workspace_id, hostname, created_at, last_seen_at FROM machines WHERE id = ?')
      .get(id) as MachineRow | undefined;
  }

  machinesInWorkspace(workspaceId: string): MachineRow[] {
    return this.db
      .prepare('SELECT id, workspace_id, hostname, created_at, last_seen_at FROM machines WHERE workspace_id = ? ORDER BY hostname')
      .all(workspaceId) as MachineRow[];
  }

  /** An agent reconnected: record its current hostname and when it was seen. */
  touchMachine(id: string, hostname: string, now: number): void {
    this.db.prepare('UPDATE machines SET hostname = ?, last_seen_at = ? WHERE id = ?').run(hostname, now, id);
  }

  // ------------------------------------------------------------------------ shares

  createShare(
    share: { workspaceId: string; machineId: string; tokenHash: string; tokenPrefix: string; readOnly: boolean; expiresAt: number | null },
    now: number,
  ): ShareRow {
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
    this.db
      .prepare(
        `INSERT INTO shares (id, workspace_id, machine_id, token_hash, token_prefix, read_only, created_at, expires_at)
         VALUES (@id, @workspace_id, @machine_id, @token_hash, @token_prefix, @read_only, @created_at, @expires_at)`,
      )
      .run({ ...row, token_hash: share.tokenHash });
    return row;
  }

  /** A share by its token hash, whatever its state (the caller decides what state means). */
  shareByTokenHash(tokenHash: string): ShareWithMachine | undefined {
    return this.db
      .prepare(
        `SELECT s.id, s.workspace_id, s.machine_id, s.token_prefix, s.read_only, s.created_at, s.expires_at,
                s.revoked_at, s.deleted_at, m.hostname
         FROM shares s JOIN machines m ON m.id = s.machine_id WHERE s.token_hash = ?`,
      )
      .get(tokenHash) as ShareWithMachine | undefined;
  }

  shareById(workspaceId: string, id: string): ShareWithMachine | undefined {
    return this.db
      .prepare(
        `SELECT s.id, s.workspace_id, s.machine_id, s.token_prefix, s.read_only, s.created_at, s.expires_at,
                s.revoked_at, s.deleted_at, m.hostname
         FROM shares s JOIN machines m ON m.id = s.machine_id WHERE s.workspace_id = ? AND s.id = ?`,
      )
      .get(workspaceId, id) as ShareWithMachine | undefined;
  }

  /** Active (not revoked, not expired, not deleted) shares of a workspace, optionally of one machine. */
  activeShares(workspaceId: string, now: number, machineId?: string): ShareWithMachine[] {
    return this.db
      .prepare(
        `SELECT s.id, s.workspace_id, s.machine_id, s.token_prefix, s.read_only, s.created_at, s.expires_at,
                s.revoked_at, s.deleted_at, m.hostname
         FROM shares s JOIN machines m ON m.id = s.machine_id
         WHERE s.workspace_id = @ws AND s.revoked_at IS NULL AND s.deleted_at IS NULL
           AND (s.expires_at IS NULL OR s.expires_at > @now)
           AND (@machine IS NULL OR s.machine_id = @machine)
         ORDER BY s.created_at, s.id`,
      )
      .all({ ws: workspaceId, now, machine: machineId ?? null }) as ShareWithMachine[];
  }

  /** Every link that is neither revoked nor swept and has an expiry (to arm expiry timers). */
  expiringShares(): Array<{ id: string; expires_at: number }> {
    return this.db
      .prepare('SELECT id, expires_at FROM shares WHERE revoked_at IS NULL AND deleted_at IS NULL AND expires_at IS NOT NULL')
      .all() as Array<{ id: string; expires_at: number }>;
  }

  /** Shares of a workspace whose id or token prefix starts with `ref` (revoke by prefix). */
  sharesByPrefix(workspaceId: string, ref: string): ShareWithMachine[] {
    const pattern = ref.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    return this.db
      .prepare(
        `SELECT s.id, s.workspace_id, s.machine_id, s.token_prefix, s.read_only, s.created_at, s.expires_at,
                s.revoked_at, s.deleted_at, m.hostname
         FROM shares s JOIN machines m ON m.id = s.machine_id
         WHERE s.workspace_id = ? AND s.revoked_at IS NULL AND s.deleted_at IS NULL
           AND (s.id LIKE ? ESCAPE '\\' OR s.token_prefix LIKE ? ESCAPE '\\' OR ? LIKE s.token_prefix || '%')`,
      )
      .all(workspaceId, pattern, pattern, ref) as ShareWithMachine[];
  }

  revokeShare(id: string, now: number): boolean {
    return this.db.prepare('UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }

  /** Soft-delete links that expired before `now` (the hourly sweep). Returns how many. */
  sweepExpired(now: number): number {
    return this.db
      .prepare('UPDATE shares SET deleted_at = ? WHERE deleted_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?')
      .run(now, now).changes;
  }

  // ------------------------------------------------------------------ audit trail

  recordAttach(entry: { shareId: string | null; machineId: string; kind: string; clientAddr: string; userAgent: string }, now: number): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO attaches (share_id, machine_id, kind, client_addr, user_agent, attached_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(entry.shareId, entry.machineId, entry.kind, entry.clientAddr, entry.userAgent.slice(0, 300), now).lastInsertRowid,
    );
  }

  recordDetach(attachId: number, now: number): void {
    this.db.prepare('UPDATE attaches SET detached_at = ? WHERE id = ? AND detached_at IS NULL').run(now, attachId);
  }

  /** Attaches still open from an earlier run (relay crashed): close them at start-up. */
  closeDanglingAttaches(now: number): void {
    this.db.prepare('UPDATE attaches SET detached_at = ? WHERE detached_at IS NULL').run(now);
  }

  attachHistory(shareId: string): AttachRow[] {
    return this.db.prepare('SELECT * FROM attaches WHERE share_id = ? ORDER BY id').all(shareId) as AttachRow[];
  }
}
