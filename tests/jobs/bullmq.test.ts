import { desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestRuns, subscribers } from '../../src/db/schema/index.js';
import { requestRun } from '../../src/digests/runs.js';
import { previousWeek } from '../../src/digests/week.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { MissingProcessorError, type DigestProcessors } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { schedules, weeklyScheduleId } from '../../src/main/wiring.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, waitForRun, type DigestHarness } from '../helpers/digests.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';
import { addSubscribers } from '../helpers/subscribers.js';

const seededWeek = '2025-09-08';
const logger = createLogger({ level: 'silent' });
// At the top of the file, so their keys are deleted after everything using them has closed.
const prefix = redisPrefix();
const soloPrefix = redisPrefix();

let database: Database;
let workerA: DigestHarness;
let workerB: DigestHarness;
let app: FastifyInstance;
let flakyFirstTry = new Set<string>();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  const seen = new Set<string>();
  workerA = await createDigestHarness(database, {
    redisPrefix: prefix,
    sink: {
      // The first DATA for an address in flakyFirstTry is refused as a temporary failure.
      rejectMessage: (_index, envelope) => {
        const to = envelope.to[0]!;
        if (!flakyFirstTry.has(to) || seen.has(to)) return undefined;
        seen.add(to);
        return { code: 421, message: 'service not available, try later' };
      },
    },
  });
  // A second process's worth of workers on the same queues and the same mail server.
  workerB = await createDigestHarness(database, { redisPrefix: prefix, smtp: workerA.smtp });
  app = await createDigestApp(database, workerA);
});

beforeEach(async () => {
  flakyFirstTry = new Set();
  workerA.smtp.reset();
  await database.db.execute(sql`truncate digest_runs cascade`);
  await database.db.update(subscribers).set({ status: 'unsubscribed' });
});

describe('the weekly run on BullMQ', () => {
  it('sends each subscriber exactly one digest with two workers and a repeated trigger', async () => {
    await addSubscribers(database.db, 40, {}, 'two-workers.example.org');
    const [first, second] = await Promise.all([
      requestRun(workerA.deps, { week: seededWeek, trigger: 'api' }),
      requestRun(workerB.deps, { week: seededWeek, trigger: 'schedule' }),
    ]);
    expect(second.run.id).toBe(first.run.id);
    const run = await waitForRun(database, first.run.id);
    expect(run).toMatchObject({ status: 'completed', total: 40, sent: 40, skipped: 0, failed: 0 });
    const messages = workerA.smtp.messages;
    expect(messages).toHaveLength(40);
    expect(new Set(messages.map((mail) => mail.envelope.to[0])).size).toBe(40);
    expect(new Set(messages.map((mail) => mail.parsed.messageId)).size).toBe(40);
  });

  it('retries a transient SMTP failure with backoff, for the refused recipient alone, and delivers once', async () => {
    const [reader, neighbour] = await addSubscribers(database.db, 3, {}, 'flaky.example.org');
    flakyFirstTry.add(reader!.email!);
    const { run } = await requestRun(workerA.deps, { week: seededWeek, trigger: 'api' });
    const finished = await waitForRun(database, run.id);
    expect(finished).toMatchObject({ status: 'completed', sent: 3, failed: 0 });
    expect(workerA.smtp.to(reader!.email!)).toHaveLength(1);
    expect(workerA.smtp.to(neighbour!.email!)).toHaveLength(1);
    // The batch of two was sent once; its retry carried only the refused reader.
    const sends = workerA.queue.queues!.find((queue) => queue.name === 'digest-sends')!;
    const retried = (await sends.getJobs(['completed'])).filter((job) => job.data.runId === run.id && job.attemptsMade > 1);
    expect(retried.map((job) => job.data)).toEqual([{ runId: run.id, subscriberIds: [reader!.id] }]);
  });

  it('sends a sign-up\'s confirmation through the subscriber-mails queue', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'queued@bullmq.example.org' } });
    expect(response.statusCode).toBe(202);
    const deadline = Date.now() + 10_000;
    while (!workerA.smtp.to('queued@bullmq.example.org').length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(workerA.smtp.to('queued@bullmq.example.org').map((mail) => mail.parsed.subject)).toEqual(['Confirm your Council Digest subscription']);
  });

  it('offers Bull Board at /admin/queues behind the operator token', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    const board = await app.inject({ method: 'GET', url: '/admin/queues', headers: adminHeaders });
    expect(board.statusCode).toBe(200);
    expect(board.body).toMatch(/bull/i);
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: adminHeaders });
    expect(api.json().queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['alert-passes', 'alert-sends', 'digest-runs', 'digest-sends', 'feed-mails', 'harvests', 'subscriber-mails']);
  });

  it('starts the run for the week just ended when the job scheduler fires', async () => {
    await addSubscribers(database.db, 1, {}, 'scheduled.example.org');
    const weekly = schedules({ ...workerA.config, DIGEST_CRON: '* * * * * *', DIGEST_TZ: 'Europe/London' }).find((schedule) => schedule.id === weeklyScheduleId)!;
    await workerA.queue.upsertScheduler(weekly.id, weekly.repeat, weekly.job);
    const deadline = Date.now() + 5000;
    let scheduled;
    while (!scheduled && Date.now() < deadline) {
      [scheduled] = await database.db.select().from(digestRuns).where(eq(digestRuns.trigger, 'schedule')).orderBy(desc(digestRuns.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(scheduled).toMatchObject({ trigger: 'schedule', week: previousWeek(new Date(), 'Europe/London'), dryRun: false });
  });
});

describe('job queues', () => {
  const idle: DigestProcessors = {
    'digest-run': async () => ({ sent: 0, skipped: 0, failed: 0 }),
    'digest-fan-out': async () => ({ sent: 0, skipped: 0, failed: 0 }),
    'digest-send': async () => ({ sent: 0, skipped: 0, failed: 0 }),
  };
  const work = { concurrency: 1 };

  it('refuse to start when a job has no processor', async () => {
    const { 'digest-send': _missing, ...partial } = idle;
    await expect(createInlineQueue({ logger }).work(partial as DigestProcessors, work)).rejects.toThrow(MissingProcessorError);
    const queue = createBullQueue({ url: testRedisUrl, prefix: soloPrefix, logger });
    await expect(queue.work(partial as DigestProcessors, work)).rejects.toThrow('No processor for job "digest-send"');
    await queue.close();
  });

  it('drain the jobs in flight when closed (SIGTERM)', async () => {
    const queue = createBullQueue({ url: testRedisUrl, prefix: soloPrefix, logger });
    let started = false;
    let finished = false;
    await queue.work(
      {
        ...idle,
        'digest-send': async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 400));
          finished = true;
          return { sent: 1, skipped: 0, failed: 0 };
        },
      },
      work,
    );
    await queue.add({ name: 'digest-send', data: { runId: 1, subscriberIds: [1] }, jobId: 'drain-1' });
    while (!started) await new Promise((resolve) => setTimeout(resolve, 10));
    await queue.close();
    expect(finished).toBe(true);
  });
});
