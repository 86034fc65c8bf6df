import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { connect, type Database } from '../../src/db/client.js';
import { databaseUrl, testDatabaseUrl } from './env.js';

/**
 * A database of this test file's own, copied from the run's migrated template
 * and dropped when the file ends.
 */
export async function createTestDatabase(): Promise<Database> {
  const name = `${inject('runPrefix')}${randomBytes(5).toString('hex')}`;
  const template = inject('templateDatabase');
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    // Postgres copies a template only while nobody else is connected to it: retry briefly.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 30 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const database = connect(databaseUrl(name), { max: 5 });
  afterAll(async () => {
    await database.close();
    const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${name}" with (force)`);
    await cleanup.end();
  });
  return database;
}
