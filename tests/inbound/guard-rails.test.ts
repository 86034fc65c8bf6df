import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestRuns, parkedBatches, subscribers, suppressions } from '../../src/db/schema/index.js';
import type { DigestDeps } from '../../src/digests/deps.js';
import { processorsFor } from './run-support.js';
import { findRun, type DigestRun } from '../../src/digests/run-repo.js';
import { requestRun } from '../../src/digests/runs.js';
import type { Mailer } from '../../src/mail/transport.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, waitForRun, type DigestHarness } from '../helpers/digests.js';
import { addSubscribers, type SubscriberRow } from '../helpers/subscribers.js';
import { fixture, sendRaw, startTestInbound } from './support.js';

const env = {
  BOUNCE_DOMAIN: 'bounces.example.org',
  MAIL_FROM: 'Council Digest <digest@example.org>',
  // Small numbers, so a run of 60 pauses early: one complaint in 10 sends is past 5%.
  RUN_PAUSE_MIN_SENDS: '10',
  RUN_COMPLAINT_PAUSE_RATE: '0.05',
  RUN_BOUNCE_PAUSE_RATE: '0.1',
  DIGEST_BATCH_SIZE: '5',
  // One batch at a time, so where the run pauses is the same every time.
  WORKER_CONCURRENCY: '1',
};

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let inboundPort: number;
/** What happens after the n-th message the run hands to SMTP, set per test. */
let afterSend: (count: number, returnPath: string | undefined) => Promise<void>;
let sends = 0;
let readers: SubscriberRow[];
/** Addresses the SMTP sink refuses with 550, set per test. */
let refused = new Set<string>();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, { env, work: false, sink: { rejectRecipient: (address) => (refused.has(address) ? { code: 550, message: '5.1.1 no such user' } : undefined) } });
  // The real transport, with a hook after each accepted message: where a complaint arrives mid-run.
  const mailer: Mailer = {
    ...harness.mailer,
    async send(mail) {
      const result = await harness.mailer.send(mail);
      sends += 1;
      await afterSend(sends, mail.returnPath);
      return result;
    },
  };
  const deps: DigestDeps = { ...harness.deps, mailer };
  await processorsFor(harness, deps);
  app = await createDigestApp(database, harness);
  inboundPort = (await startTestInbound(database, harness)).server.port;
  readers = await addSubscribers(database.db, 60);
});

beforeEach(async () => {
  afterSend = async () => undefined;
  refused = new Set();
  sends = 0;
  harness.smtp.reset();
  await database.db.execute(sql`truncate digest_runs cascade`);
  await database.db.delete(suppressions);
  await database.db.update(subscribers).set({ status: 'active', hardBounces: 0 });
});

/** Polls a run until it has paused (or finished, which fails the test). */
async function waitForPause(runId: number): Promise<DigestRun> {
  for (let tries = 0; tries < 600; tries += 1) {
    const run = (await findRun(database.db, runId))!;
    if (run.status === 'paused') return run;
    if (run.status === 'completed' || run.status === 'failed') throw new Error(`run ${runId} ${run.status} without pausing: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} never paused`);
}

/** Waits until none of the run's deliveries is claimed: a group that started before the pause has finished sending. */
async function untilNothingInFlight(runId: number) {
  for (let tries = 0; tries < 400; tries += 1) {
    const [row] = (await database.db.execute<{ claimed: string }>(sql`select count(*) as claimed from deliveries where run_id = ${runId} and status = 'claimed'`)).rows;
    if (Number(row!.claimed) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} still has deliveries in flight`);
}

async function complainAbout(returnPath: string) {
  const session = await sendRaw(inboundPort, { from: '', to: [returnPath] }, fixture('arf-complaint.eml', { returnPath, reportTo: returnPath }));
  expect(session.codes.end).toBe(250);
}

describe('a run past its complaint rate', () => {
  it('pauses itself, resumes on the operator\'s word, and every recipient still gets exactly one digest', async () => {
    let complainedAbout: string | undefined;
    afterSend = async (count, returnPath) => {
      if (count === 12) {
        complainedAbout = returnPath;
        await complainAbout(returnPath!);
      }
    };
    const { run } = await requestRun(harness.deps, { week: '2025-09-08', trigger: 'api' });
    const paused = await waitForPause(run.id);
    expect(paused.complaints).toBe(1);
    expect(paused.pausedReason).toMatch(/^complaint rate [\d.]+% \(1 of \d+ sent\) is past RUN_COMPLAINT_PAUSE_RATE 5%$/);

    // The run holds: once the group in flight has finished, nothing more goes out, and what was held back is parked.
    await untilNothingInFlight(run.id);
    const heldAt = harness.smtp.messages.length;
    expect(heldAt).toBeLessThan(60);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.smtp.messages.length).toBe(heldAt);
    expect((await database.db.select().from(parkedBatches).where(eq(parkedBatches.runId, run.id))).length).toBeGreaterThan(0);
    const shown = await app.inject({ method: 'GET', url: `/api/admin/digest-runs/${run.id}`, headers: adminHeaders });
    expect(shown.json()).toMatchObject({ status: 'paused', complaints: 1, complaintRate: expect.any(Number), pausedReason: paused.pausedReason });

    const resumed = await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run.id}/resume`, headers: adminHeaders });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ id: run.id, pausedReason: null });
    const finished = await waitForRun(database, run.id, 10_000);

    expect(finished).toMatchObject({ status: 'completed', total: 60, sent: 60, failed: 0, complaints: 1 });
    expect(harness.smtp.messages).toHaveLength(60);
    for (const reader of readers) expect(harness.smtp.to(reader.email!), reader.email!).toHaveLength(1);
    expect(new Set(harness.smtp.messages.map((mail) => mail.parsed.messageId)).size).toBe(60);
    expect(complainedAbout).toMatch(/^bounces\+d/);
    expect(await database.db.select().from(parkedBatches)).toEqual([]);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^complaints_total\{source="smtp"\} 1$/m);
  });

  it('carries a fan-out that paused part-way on from its cursor when resumed', async () => {
    // As a run paused while fanning out leaves it: the cursor part-way, nothing parked for the pages not yet queued.
    const [run] = await database.db
      .insert(digestRuns)
      .values({ week: '2025-09-08', trigger: 'api', status: 'paused', cursor: readers[29]!.id, total: 0, startedAt: new Date(), pausedReason: 'test' })
      .returning();
    const resumed = await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run!.id}/resume`, headers: adminHeaders });
    expect(resumed.json()).toMatchObject({ status: 'fanning_out' });
    const finished = await waitForRun(database, run!.id);
    expect(finished).toMatchObject({ status: 'completed', total: 30, sent: 30 });
    for (const reader of readers.slice(30)) expect(harness.smtp.to(reader.email!)).toHaveLength(1);
  });

  it('answers 409 to resuming a run that is not paused, and 404 for no run', async () => {
    const { run } = await requestRun(harness.deps, { week: '2025-09-08', trigger: 'api' });
    await waitForRun(database, run.id);
    expect((await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run.id}/resume`, headers: adminHeaders })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run.id}/cancel`, headers: adminHeaders })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/admin/digest-runs/999999/resume', headers: adminHeaders })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run.id}/resume` })).statusCode).toBe(401);
  });
});

describe('suppression', () => {
  it('keeps only the suppressed address out of a run, whoever else it sends to', async () => {
    await database.db.insert(suppressions).values({ emailKey: readers[0]!.emailKey!, reason: 'complaint' });
    const { run } = await requestRun(harness.deps, { week: '2025-09-08', trigger: 'api' });
    expect(await waitForRun(database, run.id)).toMatchObject({ status: 'completed', total: 59, sent: 59, skipped: 0 });
    expect(harness.smtp.to(readers[0]!.email!)).toEqual([]);
  });
});

describe('a run past its hard-bounce rate', () => {
  it('counts 5xx refusals at send time, pauses, and sends nothing more once cancelled', async () => {
    for (const reader of readers.slice(0, 4)) refused.add(reader.email!);
    const { run } = await requestRun(harness.deps, { week: '2025-09-08', trigger: 'api' });
    const paused = await waitForPause(run.id);
    expect(paused.hardBounces).toBe(4);
    expect(paused.pausedReason).toMatch(/^hard-bounce rate [\d.]+% \(4 of \d+ sent\) is past RUN_BOUNCE_PAUSE_RATE 10%$/);

    const cancelled = await app.inject({ method: 'POST', url: `/api/admin/digest-runs/${run.id}/cancel`, headers: adminHeaders });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    await untilNothingInFlight(run.id);
    const sentAtCancel = harness.smtp.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.smtp.messages.length).toBe(sentAtCancel);
    expect((await findRun(database.db, run.id))!.status).toBe('cancelled');
    expect(await database.db.select().from(parkedBatches)).toEqual([]);
    expect((await database.db.select().from(digestRuns).where(eq(digestRuns.id, run.id)))[0]!.finishedAt).not.toBeNull();
  });

  it('never pauses before RUN_PAUSE_MIN_SENDS sends, however bad the rate', async () => {
    const few = readers.slice(0, 8);
    await database.db.update(subscribers).set({ status: 'paused' }).where(sql`${subscribers.id} not in ${few.map((reader) => reader.id)}`);
    for (const reader of few.slice(0, 3)) refused.add(reader.email!);
    const { run } = await requestRun(harness.deps, { week: '2025-09-08', trigger: 'api' });
    const finished = await waitForRun(database, run.id);
    expect(finished).toMatchObject({ status: 'completed', total: 8, sent: 5, failed: 3, hardBounces: 3 });
  });
});
