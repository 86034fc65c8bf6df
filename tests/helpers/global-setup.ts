import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { precompileTemplates, templatesFolder } from '../../src/mail/templates.js';
import { databaseUrl, runBuildDir, runPrefix, testDatabaseUrl } from './env.js';

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dropDatabase(admin: pg.Client, name: string) {
  await admin.query(`update pg_database set datistemplate = false where datname = $1`, [name]);
  await admin.query(`drop database if exists "${name}" with (force)`);
}

/**
 * Migrates one template database per run; every test file then gets its own
 * copy (CREATE DATABASE ... TEMPLATE), so files run in parallel in isolation.
 * Compiles the emails' MJML once per run, as `npm run build` does, for
 * tests/helpers/templates.ts (a broken template fails the run here).
 */
export default async function setup(project: TestProject) {
  const prefix = runPrefix(process.pid);
  const template = `${prefix}template`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    // Databases left by runs that were killed before their teardown.
    const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'cd\\_test\\_%'`);
    for (const { datname } of leftovers.rows) {
      const pid = Number(/^cd_test_(\d+)_/.exec(datname)?.[1]);
      // Another run starting now may be dropping the same leftover: that run's win is as good as ours.
      if (pid && !isAlive(pid)) await dropDatabase(admin, datname).catch(() => undefined);
    }
    // And their builds (tests/helpers/build.ts).
    for (const name of await readdir(tmpdir())) {
      const pid = Number(/^cd_test_(\d+)_build$/.exec(name)?.[1]);
      if (pid && !isAlive(pid)) await rm(path.join(tmpdir(), name), { recursive: true, force: true });
    }
    await admin.query(`create database "${template}"`);
    const database = connect(databaseUrl(template), { max: 2 });
    try {
      await runMigrations(database);
    } finally {
      await database.close();
    }
    await admin.query(`update pg_database set datistemplate = true where datname = $1`, [template]);
  } finally {
    await admin.end();
  }
  const compiled = await mkdtemp(path.join(tmpdir(), 'cd-test-templates-'));
  const precompiledTemplates = path.join(compiled, 'templates.compiled.json');
  await precompileTemplates(templatesFolder, precompiledTemplates);
  project.provide('templateDatabase', template);
  project.provide('runPrefix', prefix);
  project.provide('precompiledTemplates', precompiledTemplates);

  return async () => {
    await rm(compiled, { recursive: true, force: true });
    await rm(runBuildDir(prefix), { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
    await cleanup.connect();
    const mine = await cleanup.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1)`, [prefix]);
    for (const { datname } of mine.rows) await dropDatabase(cleanup, datname);
    await cleanup.end();
  };
}
