import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { subscriberEmails, subscribers, suppressions } from '../../src/db/schema/index.js';
import { loggerOptions } from '../../src/logger.js';
import { createSmtpMailer, type Mailer } from '../../src/mail/transport.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberMailDeps } from '../../src/subscribers/deps.js';
import { createSignUpMailQueue } from '../../src/subscribers/mail-queue.js';
import { sendSubscriberMails } from '../../src/subscribers/messages.js';
import { adminHeaders, createTestApp, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { testTemplates } from '../helpers/templates.js';
import { linkIn } from './helpers.js';

let database: Database;
let app: FastifyInstance;
let smtp: SmtpSink;
let mailer: Mailer;
/** Log lines of the app and its sign-up mail job. */
const lines: { msg: string; level: number; emailId?: number }[] = [];
/** While set, every SMTP send waits for it: the mail is still "on its way". */
let gate: Promise<void> | undefined;
/** DATA to these addresses is refused with 451 on the first try only; to `refusedAlways` on every try. */
let refusedOnce = new Set<string>();
let refusedAlways = new Set<string>();
/** RCPT TO these addresses is refused with 550. */
let unknownMailboxes = new Set<string>();
let rcptTries = new Map<string, number>();

const subscribe = (email: string, body: object = {}) => app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email, ...body } });

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function mailsRecordedFor(email: string) {
  const [subscriber] = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, email));
  return subscriber ? database.db.select().from(subscriberEmails).where(eq(subscriberEmails.subscriberId, subscriber.id)) : [];
}

const logged = (message: string) => lines.filter((line) => line.msg === message);

/** Signs an address up and waits until its mail's job logs `message` about it; answers the recorded mail. */
async function signUpUntilLogged(email: string, message: string) {
  await subscribe(email);
  const [recorded] = await mailsRecordedFor(email);
  await until(() => logged(message).some((line) => line.emailId === recorded!.id), `"${message}" for ${email}`);
  return recorded!;
}

/** The job's dependencies, for running it by hand. */
async function mailDeps() {
  return subscriberMailDeps(
    { PUBLIC_BASE_URL: 'https://digest.example.org', MAIL_FROM: 'Council Digest <digest@example.org>', HARD_BOUNCE_LIMIT: 2, PENDING_EXPIRY_DAYS: 30 },
    { db: database.db, mailer, templates: await testTemplates(), tokenSecret, logger: pino({ level: 'silent' }) },
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  const seen = new Set<string>();
  smtp = await startSmtpSink({
    rejectRecipient: (address) => {
      rcptTries.set(address, (rcptTries.get(address) ?? 0) + 1);
      return unknownMailboxes.has(address) ? { code: 550, message: 'no such user here' } : undefined;
    },
    rejectMessage: (_index, envelope) => {
      const to = envelope.to[0]!;
      if (refusedAlways.has(to) || (refusedOnce.has(to) && !seen.has(to))) {
        seen.add(to);
        return { code: 451, message: 'try again later' };
      }
      return undefined;
    },
  });
  const smtpMailer = createSmtpMailer({ url: smtp.url, from: 'Council Digest <digest@example.org>' });
  mailer = {
    describe: 'SMTP sink, behind a gate',
    send: async (mail) => {
      await gate;
      return smtpMailer.send(mail);
    },
    close: () => smtpMailer.close(),
  };
  afterAll(() => smtpMailer.close());
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  app = await createTestApp(database, { SIGNUP_RATE_LIMIT_PER_IP: '1000', SMTP_URL: smtp.url }, { mailer, logger: pino(loggerOptions({ level: 'info' }), sink) });
});

beforeEach(() => {
  gate = undefined;
  refusedOnce = new Set();
  refusedAlways = new Set();
  unknownMailboxes = new Set();
  rcptTries = new Map();
});

describe('sign-up mail, sent by its job', () => {
  it('answers before the mail is sent; the job then sends it and notes its Message-ID', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const response = await subscribe('waiting@example.org');
    expect(response.statusCode).toBe(202);
    const [recorded] = await mailsRecordedFor('waiting@example.org');
    expect(recorded).toMatchObject({ kind: 'confirm', messageId: null });
    expect(smtp.to('waiting@example.org')).toHaveLength(0);

    open();
    await until(() => smtp.to('waiting@example.org').length === 1, 'the confirmation');
    const mail = smtp.to('waiting@example.org')[0]!;
    expect(mail.parsed.subject).toMatch(/^Confirm/);
    expect(linkIn(mail, 'confirm')).toMatch(/^\/confirm\//);
    await until(async () => (await mailsRecordedFor('waiting@example.org'))[0]!.messageId !== null, 'the Message-ID noted');
    expect((await mailsRecordedFor('waiting@example.org'))[0]!.messageId).toBe(mail.parsed.messageId);
  });

  it('retries a temporary SMTP refusal with backoff and delivers the mail once', async () => {
    refusedOnce.add('flaky@example.org');
    await subscribe('flaky@example.org');
    await until(() => smtp.to('flaky@example.org').length === 1, 'the retried confirmation');
    await until(async () => (await mailsRecordedFor('flaky@example.org'))[0]!.messageId !== null, 'the Message-ID noted');
    expect(smtp.to('flaky@example.org')).toHaveLength(1);
  });

  it('logs a permanent SMTP refusal and does not try again', async () => {
    unknownMailboxes.add('nobody@example.org');
    await signUpUntilLogged('nobody@example.org', 'subscriber mail refused permanently: not retried');
    // Retries here come after 25 and 50 ms: none may come.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rcptTries.get('nobody@example.org')).toBe(1);
    expect(smtp.to('nobody@example.org')).toHaveLength(0);
    expect((await mailsRecordedFor('nobody@example.org'))[0]!.messageId).toBeNull();
  });

  it('counts a permanent SMTP refusal as a hard bounce, and stops mailing the address at HARD_BOUNCE_LIMIT', async () => {
    unknownMailboxes.add('bounced@example.org');
    const recorded = await signUpUntilLogged('bounced@example.org', 'subscriber mail refused permanently: not retried');
    const bounces = async () => (await database.db.select().from(subscribers).where(eq(subscribers.emailKey, 'bounced@example.org')))[0]!.hardBounces;
    const suppressed = async () => database.db.select().from(suppressions).where(eq(suppressions.emailKey, 'bounced@example.org'));
    expect(await bounces()).toBe(1);
    expect(await suppressed()).toEqual([]);
    // The limit here is 2: the second refusal suppresses the address, and after that nothing is tried.
    const deps = await mailDeps();
    expect(await sendSubscriberMails(deps, { emailIds: [recorded.id] }, { attempt: 1, lastAttempt: false })).toEqual({ sent: 0, skipped: 0, failed: 1 });
    expect(await bounces()).toBe(2);
    expect(await suppressed()).toMatchObject([{ reason: 'hard_bounce', note: expect.stringContaining('confirm mail refused') }]);
    expect(await sendSubscriberMails(deps, { emailIds: [recorded.id] }, { attempt: 1, lastAttempt: false })).toEqual({ sent: 0, skipped: 1, failed: 0 });
    expect(rcptTries.get('bounced@example.org')).toBe(2);
  });

  it('logs an error when the last attempt at a temporary refusal gives up', async () => {
    refusedAlways.add('full@example.org');
    const recorded = await signUpUntilLogged('full@example.org', 'subscriber mail not sent: giving up');
    expect(logged('subscriber mail not sent: giving up').find((line) => line.emailId === recorded.id)!.level).toBe(50);
    expect((await mailsRecordedFor('full@example.org'))[0]!.messageId).toBeNull();
  });

  it('sends a recorded mail once, however often its job runs', async () => {
    await subscribe('once@example.org');
    await until(async () => (await mailsRecordedFor('once@example.org'))[0]?.messageId != null, 'the first send');
    const [recorded] = await mailsRecordedFor('once@example.org');
    const again = await sendSubscriberMails(await mailDeps(), { emailIds: [recorded!.id] }, { attempt: 1, lastAttempt: false });
    expect(again).toEqual({ sent: 0, skipped: 1, failed: 0 });
    expect(smtp.to('once@example.org')).toHaveLength(1);
  });

  it('sends nothing to an address suppressed or erased between signing up and sending', async () => {
    const suppressed = await addSubscriber(database.db, { email: 'changed-mind@example.org', status: 'pending' });
    const erased = await addSubscriber(database.db, { email: 'gone@example.org', status: 'pending' });
    const recorded = await database.db
      .insert(subscriberEmails)
      .values([suppressed, erased].map((subscriber) => ({ subscriberId: subscriber.id, kind: 'confirm' as const })))
      .returning();
    await app.inject({ method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: 'changed-mind@example.org', reason: 'manual' } });
    await app.inject({ method: 'DELETE', url: `/api/admin/subscribers/${erased.id}`, headers: adminHeaders });

    const outcome = await sendSubscriberMails(await mailDeps(), { emailIds: recorded.map((row) => row.id) }, { attempt: 1, lastAttempt: false });
    expect(outcome).toEqual({ sent: 0, skipped: 2, failed: 0 });
    expect(smtp.to('changed-mind@example.org')).toHaveLength(0);
    expect(smtp.to('gone@example.org')).toHaveLength(0);
  });

  it('answers new, pending, confirmed, suppressed and over-the-limit addresses with the same status, headers and body', async () => {
    await subscribe('pending-one@example.org');
    await subscribe('known@example.org');
    await database.db.update(subscribers).set({ status: 'active' }).where(eq(subscribers.emailKey, 'known@example.org'));
    await app.inject({ method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: 'blocked@example.org', reason: 'manual' } });
    for (let n = 0; n < 3; n += 1) await subscribe('limited@example.org');

    const answers = await Promise.all(
      ['brand-new@example.org', 'pending-one@example.org', 'known@example.org', 'blocked@example.org', 'limited@example.org'].map((email) => subscribe(email)),
    );
    const shape = (response: (typeof answers)[number]) => ({
      status: response.statusCode,
      body: response.body,
      headers: Object.keys(response.headers).sort(),
    });
    for (const answer of answers) expect(shape(answer)).toEqual(shape(answers[0]!));
    expect(answers[0]!.statusCode).toBe(202);
  });
});

describe('the sign-up mail queue', () => {
  const added: { emailIds: number[]; jobId: string }[] = [];
  let failure: Error | undefined;
  const queue = createSignUpMailQueue({
    async add(job) {
      if (failure) throw failure;
      added.push({ emailIds: (job.data as { emailIds: number[] }).emailIds, jobId: job.jobId });
    },
  });

  beforeEach(() => {
    added.length = 0;
    failure = undefined;
  });

  it('puts mails queued in the same turn of the event loop in one job, and answers each once it is stored', async () => {
    await Promise.all([queue.queueMail(7), queue.queueMail(8), queue.queueMail(9)]);
    await queue.queueMail(10);
    expect(added).toEqual([
      { emailIds: [7, 8, 9], jobId: 'subscriber-mail-7' },
      { emailIds: [10], jobId: 'subscriber-mail-10' },
    ]);
  });

  it('fails every sign-up of a job that could not be stored', async () => {
    failure = new Error('Redis is down');
    const results = await Promise.allSettled([queue.queueMail(11), queue.queueMail(12)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
