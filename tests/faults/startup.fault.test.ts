import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { adminToken, tokenSecret } from '../helpers/app.js';
import { databaseUrl, testDatabaseUrl } from '../helpers/env.js';
import { freePort, startCommand, startRedis, type ServiceProcess } from './support/processes.js';
import { startCountingSink } from './support/sink.js';
import { useRunBuild } from '../helpers/build.js';

// The worker and the API start from the run's build, as from the image.
useRunBuild();

async function emptyDatabase(): Promise<string> {
  const name = `cd_fault_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  onTestFinished(async () => {
    const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${name}" with (force)`);
    await cleanup.end();
  });
  return databaseUrl(name);
}

describe('two API processes and two workers started at once on an empty database', () => {
  it('run the migrations once, keep one weekly schedule, and all come up', async () => {
    const [redis, sink, url] = await Promise.all([startRedis(), startCountingSink(), emptyDatabase()]);
    const prefix = `cd-fault-${randomBytes(4).toString('hex')}`;
    const env = {
      NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, SMTP_URL: sink.url,
      ADMIN_TOKEN: adminToken, TOKEN_SECRET: tokenSecret, LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0',
    };
    const ports = [await freePort(), await freePort()];
    const processes: ServiceProcess[] = [
      ...ports.map((port) => startCommand(['serve'], { ...env, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` })),
      startCommand(['worker'], env),
      startCommand(['worker'], env),
    ];
    await Promise.all(processes.map((each, index) => each.waitForLog(index < 2 ? 'API listening' : 'worker running', 60_000)));

    for (const port of ports) expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const journal = JSON.parse(await readFile('migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const applied = await client.query<{ hash: string }>('select hash from drizzle.__drizzle_migrations');
    await client.end();
    expect(applied.rows).toHaveLength(journal.entries.length);
    expect(new Set(applied.rows.map((row) => row.hash)).size).toBe(journal.entries.length);

    const queue = new Queue('digest-runs', { connection: { url: redis.url }, prefix });
    const schedulers = await queue.getJobSchedulers();
    await queue.close();
    expect(schedulers.map((scheduler) => scheduler.key)).toEqual(['weekly-digest']);

    for (const each of processes) each.child.kill('SIGTERM');
    expect(await Promise.all(processes.map((each) => each.exited))).toEqual([0, 0, 0, 0]);
    console.info(`fault concurrent start: processes=4 migrationsApplied=${applied.rows.length} schedulers=${schedulers.length}`);
  });
});
