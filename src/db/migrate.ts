import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** An arbitrary constant: every council-digest process takes the same lock. */
const MIGRATION_LOCK = 0x636f756e; // "coun"

/**
 * Applies pending migrations. Two processes starting at once must not race,
 * so the whole run holds a Postgres advisory lock: the second waits, then
 * finds nothing left to apply.
 */
export async function runMigrations(database: Database): Promise<void> {
  const lockClient = await database.pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(database.db, { migrationsFolder });
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    lockClient.release();
  }
}
