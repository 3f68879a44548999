// The schema, as ordered migrations that run on SQLite and PostgreSQL alike
// (Kysely's migrator records what ran). Append only; never edit a shipped one.
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from './store.js';

function migrations(kind: StoreKind): Record<string, Migration> {
  // Epoch-ms timestamps need 64 bits in PostgreSQL; SQLite integers are 64-bit anyway.
  const time = 'bigint';
  return {
    '0001_initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('workspaces')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('api_keys')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('revoked_at', time)
          .execute();
        await db.schema
          .createTable('machines')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
          .addColumn('hostname', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_seen_at', time)
          .execute();
        await db.schema.createIndex('machines_workspace').ifNotExists().on('machines').column('workspace_id').execute();
        await db.schema
          .createTable('shares')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
          .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id'))
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('token_prefix', 'text', (c) => c.notNull())
          .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time)
          .addColumn('revoked_at', time)
          .addColumn('deleted_at', time)
          .execute();
        await db.schema.createIndex('shares_machine').ifNotExists().on('shares').column('machine_id').execute();
        await db.schema.createIndex('shares_workspace').ifNotExists().on('shares').column('workspace_id').execute();
        let attaches = db.schema.createTable('attaches').ifNotExists();
        attaches =
          kind === 'postgres'
            ? attaches.addColumn('id', 'bigserial', (c) => c.primaryKey())
            : attaches.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
        await attaches
          .addColumn('share_id', 'text')
          .addColumn('machine_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('client_addr', 'text', (c) => c.notNull())
          .addColumn('user_agent', 'text', (c) => c.notNull())
          .addColumn('attached_at', time, (c) => c.notNull())
          .addColumn('detached_at', time)
          .execute();
        await db.schema.createIndex('attaches_share').ifNotExists().on('attaches').column('share_id').execute();
      },
    },
  };
}

export async function migrateToLatest(db: Kysely<any>, kind: StoreKind): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(kind) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`store migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
}
