import { randomBytes } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { connect, type Database } from '../../../src/db/client.js';
import { runMigrations } from '../../../src/db/migrate.js';
import { deliveries, subscribers } from '../../../src/db/schema/index.js';
import { createDigestMetrics } from '../../../src/digests/metrics.js';
import { findRun, type DigestRun } from '../../../src/digests/run-repo.js';
import { requestRun } from '../../../src/digests/runs.js';
import { createBullQueue } from '../../../src/jobs/bullmq.js';
import { createLogger } from '../../../src/logger.js';
import { createSmtpMailer } from '../../../src/mail/transport.js';
import { wire } from '../../../src/main/wiring.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { emailKey } from '../../../src/subscribers/email.js';
import { filterKey, normaliseFilters } from '../../../src/subscribers/filters.js';
import { adminToken, testConfig, tokenSecret } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { testTemplates } from '../../helpers/templates.js';
import { startCountingSink, tally, type SinkRules } from './sink.js';

/** The seeded week: every subscriber without filters has meetings in it, so nobody is skipped. */
export const seededWeek = '2025-09-08';

/** A database of the fault test's own: a copy of the migrated template, or a new one on a throwaway cluster. */
async function faultDatabase(clusterUrl?: string): Promise<Database> {
  // Dropped with the run's other databases when the suite ends.
  if (!clusterUrl) return createTestDatabase();
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query('create database faults');
  await admin.end();
  const url = new URL(clusterUrl);
  url.pathname = '/faults';
  const database = connect(url.toString(), { max: 4 });
  onTestFinished(() => database.close());
  await runMigrations(database);
  return database;
}

/** `count` active subscribers with no filters, reader-<n>@faults.example.org, in one statement per thousand. */
async function addReaders(database: Database, total: number): Promise<string[]> {
  const filters = normaliseFilters({});
  const emails = Array.from({ length: total }, (_, n) => `reader-${n}@faults.example.org`);
  for (let start = 0; start < total; start += 1000) {
    await database.db.insert(subscribers).values(
      emails.slice(start, start + 1000).map((email) => ({
        email,
        emailKey: emailKey(email),
        status: 'active' as const,
        ...filters,
        filterKey: filterKey(filters),
        consentSource: 'import' as const,
        confirmedAt: new Date(),
      })),
    );
  }
  return emails;
}

/**
 * One fault scenario's world: a seeded database with `readers` subscribers,
 * an SMTP sink, a BullMQ prefix on `redisUrl`, the settings a worker process
 * is started with, and a way to start the week's run and check the outcome.
 */
export async function faultFixture(options: { readers: number; redisUrl: string; clusterUrl?: string; sink?: SinkRules; env?: Record<string, string> }) {
  const database = await faultDatabase(options.clusterUrl);
  await seedDatabase(database.db);
  const emails = await addReaders(database, options.readers);
  const sink = await startCountingSink(options.sink);
  const prefix = `cd-fault-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    SMTP_URL: sink.url,
    ADMIN_TOKEN: adminToken,
    TOKEN_SECRET: tokenSecret,
    PUBLIC_BASE_URL: 'https://digest.example.org',
    LOG_LEVEL: 'info',
    WORKER_METRICS_PORT: '0',
    WORKER_CONCURRENCY: '4',
    DIGEST_BATCH_SIZE: '10',
    SEND_RATE_PER_SECOND: '10000',
    // A claim left by a killed worker is taken over after 3 s rather than the production five minutes.
    DIGEST_STALE_CLAIM_SECONDS: '3',
    ...options.env,
  };

  // The trigger side: what the API does on POST /api/admin/digest-runs, from this process.
  const logger = createLogger({ level: 'silent' });
  const config = testConfig(database, { ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const queue = createBullQueue({ url: options.redisUrl, prefix, logger });
  const mailer = createSmtpMailer({ url: sink.url, from: config.MAIL_FROM });
  const metrics = createDigestMetrics({ processMetrics: false });
  const { digests: deps } = await wire({ config, database, logger }, { queue, mailer, tokenSecret, metrics, templates: await testTemplates() });
  onTestFinished(async () => {
    await queue.close();
    await mailer.close();
  });

  return {
    database,
    emails,
    sink,
    env,
    async startRun(): Promise<DigestRun> {
      return (await requestRun(deps, { week: seededWeek, trigger: 'api' })).run;
    },
    /** Polls the run row until it settles; a database that is down for a moment only delays the answer. */
    async waitForRun(runId: number, timeoutMs: number): Promise<DigestRun> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await findRun(database.db, runId).catch(() => undefined);
        if (run && (run.status === 'completed' || run.status === 'failed')) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    /** Resolves once the sink has accepted at least `fraction` of the readers' digests. */
    async waitForAccepted(fraction: number, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (sink.accepted.length < options.readers * fraction) {
        if (Date.now() > deadline) throw new Error(`only ${sink.accepted.length} of ${options.readers} accepted after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** What each reader received, and the deliveries by status. */
    async outcome() {
      const rows = await database.db.select({ status: deliveries.status, total: count() }).from(deliveries).groupBy(deliveries.status);
      const [row] = await database.db.select({ unsent: count() }).from(deliveries).where(sql`${deliveries.status} <> 'sent'`);
      return { ...tally(sink.accepted, emails), deliveries: Object.fromEntries(rows.map((each) => [each.status, each.total])), unsent: row?.unsent ?? 0 };
    },
    /** One line per scenario in the test output: the figures the README's Reliability section quotes. */
    report(scenario: string, figures: Record<string, unknown>) {
      console.info(`fault ${scenario}: ${Object.entries(figures).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(' ')}`);
    },
    async deliveriesClaimed() {
      const [row] = await database.db.select({ claimed: count() }).from(deliveries).where(eq(deliveries.status, 'claimed'));
      return row?.claimed ?? 0;
    },
  };
}
