import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { databaseUrl, testDatabaseUrl } from '../helpers/env.js';

const name = `${inject('runPrefix')}migrate`;

describe('migrations', () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('run once when several processes start at the same moment on an empty database', async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
    await admin.end();

    const starters = Array.from({ length: 4 }, () => connect(databaseUrl(name), { max: 3 }));
    try {
      await Promise.all(starters.map((database) => runMigrations(database)));
      const { db } = starters[0]!;
      const applied = await db.execute<{ count: number }>(sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
      const files = (await import('node:fs')).readdirSync(new URL('../../migrations/', import.meta.url)).filter((file) => file.endsWith('.sql'));
      expect(applied.rows[0]!.count).toBe(files.length);
      const topicCount = await db.execute<{ count: number }>(sql`select count(*)::int as count from topics`);
      expect(topicCount.rows[0]!.count).toBe(20);
    } finally {
      await Promise.all(starters.map((database) => database.close()));
    }
  });
});
