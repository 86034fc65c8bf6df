import { eq, sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { subscribers } from '../../src/db/schema/index.js';
import { createBullQueue } from '../../src/jobs/bullmq.js';
import { createLogger } from '../../src/logger.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberMailDeps, type SubscriberMailDeps } from '../../src/subscribers/deps.js';
import { expirePendingSignUps } from '../../src/subscribers/processors.js';
import { pendingExpiryScheduleId, startWork } from '../../src/main/wiring.js';
import { createTestAppWithMail, testConfig, tokenSecret, wireForTest, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { redisPrefix, testRedisUrl } from '../helpers/redis.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { linkIn } from './helpers.js';
import { problemsOf } from '../helpers/config.js';

const prefix = redisPrefix();
const now = new Date('2026-03-02T03:20:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

let database: Database;
let test: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  test = await createTestAppWithMail(database, { SIGNUP_RATE_LIMIT_PER_IP: '1000' });
});

function expiryDeps(days: number): SubscriberMailDeps {
  const config = { ...testConfig(database), PENDING_EXPIRY_DAYS: days };
  return subscriberMailDeps(config, { db: database.db, mailer: test.deps.mailer, templates: test.deps.templates, tokenSecret, logger: createLogger({ level: 'silent' }), now: () => now });
}

async function signUp(email: string) {
  const before = test.smtp.to(email).length;
  const answer = await test.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email, topics: ['housing'] } });
  expect(answer.statusCode).toBe(202);
  await until(() => test.smtp.to(email).length > before);
}

async function until(condition: () => boolean) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const row = async (email: string) => (await database.db.select().from(subscribers).where(eq(subscribers.emailKey, email)))[0];
const backdate = (email: string, days: number) => database.db.update(subscribers).set({ updatedAt: daysAgo(days) }).where(eq(subscribers.emailKey, email));

describe('unconfirmed sign-ups', () => {
  it('are erased PENDING_EXPIRY_DAYS after their last confirmation mail; newer ones and confirmed addresses stay', async () => {
    await signUp('stale@example.org');
    await signUp('fresh@example.org');
    await backdate('stale@example.org', 31);
    await backdate('fresh@example.org', 29);
    const active = await addSubscriber(database.db, { email: 'reader-old@example.org' });
    const left = await addSubscriber(database.db, { email: 'left-old@example.org', status: 'unsubscribed' });
    await database.db.update(subscribers).set({ updatedAt: daysAgo(400) }).where(sql`${subscribers.id} in (${active.id}, ${left.id})`);
    const staleId = (await row('stale@example.org'))!.id;

    expect(await expirePendingSignUps(expiryDeps(30))).toEqual({ sent: 0, skipped: 0, failed: 0 });

    const [stale] = await database.db.select().from(subscribers).where(eq(subscribers.id, staleId));
    expect(stale).toMatchObject({ status: 'erased', email: null, emailKey: null, topics: [], erasedAt: now });
    expect(await row('fresh@example.org')).toMatchObject({ status: 'pending', email: 'fresh@example.org' });
    expect(await row('reader-old@example.org')).toMatchObject({ status: 'active' });
    expect(await row('left-old@example.org')).toMatchObject({ status: 'unsubscribed' });
  });

  it('leave a dead confirmation link behind, and the address can sign up afresh', async () => {
    await signUp('late@example.org');
    const link = linkIn(test.smtp.to('late@example.org')[0]!, 'confirm');
    await backdate('late@example.org', 45);
    await expirePendingSignUps(expiryDeps(30));
    const page = await test.app.inject({ method: 'GET', url: link });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('<h1>This link no longer works</h1>');
    expect(page.body).toContain('a sign-up left unconfirmed is deleted');
    await signUp('late@example.org');
    expect(test.smtp.to('late@example.org')).toHaveLength(2);
    expect(await row('late@example.org')).toMatchObject({ status: 'pending', email: 'late@example.org' });
  });

  it('restart their clock when the address signs up again and gets a fresh link', async () => {
    await signUp('again@example.org');
    await backdate('again@example.org', 31);
    await signUp('again@example.org');
    await expirePendingSignUps(expiryDeps(30));
    expect(await row('again@example.org')).toMatchObject({ status: 'pending' });
  });

  it('are all kept with PENDING_EXPIRY_DAYS=0', async () => {
    await signUp('kept@example.org');
    await backdate('kept@example.org', 3650);
    await expirePendingSignUps(expiryDeps(0));
    expect(await row('kept@example.org')).toMatchObject({ status: 'pending' });
  });

  it('are looked at every night: the worker keeps one daily schedule, however many processes start', async () => {
    const config = { ...testConfig(database), REDIS_URL: testRedisUrl, DIGEST_TZ: 'Europe/London' };
    const queues = [createBullQueue({ url: testRedisUrl, prefix, logger: createLogger({ level: 'silent' }) }), createBullQueue({ url: testRedisUrl, prefix, logger: createLogger({ level: 'silent' }) })];
    try {
      for (const queue of queues) await startWork(await wireForTest(config, database, { queue, mailer: test.deps.mailer, templates: test.deps.templates }), { groups: ['subscribers'], schedule: true });
      const mails = new Queue('subscriber-mails', { connection: { url: testRedisUrl }, prefix });
      const schedulers = await mails.getJobSchedulers();
      await mails.close();
      expect(schedulers).toMatchObject([{ key: pendingExpiryScheduleId, pattern: '20 3 * * *', tz: 'Europe/London' }]);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  });
});

describe('the PENDING_EXPIRY_DAYS setting', () => {
  it('defaults to 30 days; 0 keeps unconfirmed sign-ups', () => {
    expect(loadConfig({}).PENDING_EXPIRY_DAYS).toBe(30);
    expect(loadConfig({ PENDING_EXPIRY_DAYS: '0' }).PENDING_EXPIRY_DAYS).toBe(0);
  });

  it('refuses fewer days than a confirmation link works, and what is not a whole number', () => {
    expect(problemsOf({ PENDING_EXPIRY_DAYS: '3' })).toEqual(['PENDING_EXPIRY_DAYS: must be 0 (keep them) or a whole number of at least 7: a confirmation link works that long']);
    expect(problemsOf({ PENDING_EXPIRY_DAYS: 'soon' })).toEqual(['PENDING_EXPIRY_DAYS: must be 0 (keep them) or a whole number of at least 7: a confirmation link works that long']);
  });
});
