import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/db/client.js';
import { eq } from 'drizzle-orm';
import { feedRecipients, feeds, suppressions } from '../../../../src/db/schema/index.js';
import { mailingDeps } from '../../../../src/mail/outbox.js';
import { sendFeedConfirmations } from '../../../../src/feeds/emails.js';
import { activeFeedRecipientsAfter, feedRecipientLinks } from '../../../../src/feeds/recipients.js';
import { seedDatabase } from '../../../../src/harvest/seed.js';
import { signToken } from '../../../../src/tokens/signed-links.js';
import { createBullQueue } from '../../../../src/jobs/bullmq.js';
import { createLogger } from '../../../../src/logger.js';
import { adminHeaders, createTestAppWithMail, tokenSecret } from '../../../helpers/app.js';
import { createTestDatabase } from '../../../helpers/db.js';
import type { SmtpSink } from '../../../helpers/smtp.js';
import { bearer, createPartner, requestFeed } from '../../../feeds/fixtures.js';

let app: FastifyInstance;
let database: Database;
let smtp: SmtpSink;
let partner: Awaited<ReturnType<typeof createPartner>>;

const now = new Date('2025-07-20T12:00:00Z');

const admin = (method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });

/** The confirmation link in the one message the sink holds for an address. */
function linkIn(address: string, pattern: RegExp): string {
  const [message] = smtp.to(address);
  const match = pattern.exec(message!.parsed.text ?? '');
  if (!match) throw new Error(`no link in the mail to ${address}`);
  return new URL(match[0]).pathname;
}

const confirmLink = (address: string) => linkIn(address, /https:\/\/digest\.example\.org\/feeds\/confirm\/\S+/);

async function feedStatus(feedId: string) {
  return (await app.inject({ method: 'GET', url: `/api/partner/feeds/${feedId}`, headers: bearer(partner.key) })).json();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  ({ app, smtp } = await createTestAppWithMail(database, {}, { now: () => now }));
  partner = await createPartner(app, 'Herts Care Partnership', 'feeds@care-partnership.example.org');
});

describe('an approved feed request', () => {
  let feedId: string;

  beforeAll(async () => {
    feedId = (await requestFeed(app, partner.key, { name: 'Care leavers', topics: ['care-leavers'], recipients: ['ann@example.org', 'bob@example.org'] })).feed.id;
  });

  it('waits for an operator, and nobody is mailed meanwhile', async () => {
    const queue = (await admin('GET', '/api/admin/feed-requests')).json().feedRequests;
    expect(queue.map((request: { id: string }) => request.id)).toContain(feedId);
    expect(queue.find((request: { id: string }) => request.id === feedId).partner).toEqual({
      id: partner.id,
      name: 'Herts Care Partnership',
      contactEmail: 'feeds@care-partnership.example.org',
    });
    expect(smtp.messages).toHaveLength(0);
  });

  it('goes active, asks each recipient to confirm, and tells the partner', async () => {
    const response = await admin('POST', `/api/admin/feed-requests/${feedId}/approve`, { note: 'Looks useful.' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      feed: { status: 'active', decisionNote: 'Looks useful.' },
      partnerNotified: true,
      confirmations: { queued: 2, suppressed: 0 },
    });
    // The partner's notice at once; the confirmations from the job the approval queued.
    await smtp.waitFor(3);
    const [toPartner] = smtp.to('feeds@care-partnership.example.org');
    expect(toPartner!.parsed.subject).toBe('Your feed "Care leavers" is approved');
    expect(toPartner!.parsed.text).toContain('Looks useful.');
    const [toAnn] = smtp.to('ann@example.org');
    expect(toAnn!.parsed.subject).toBe('Confirm you want "Care leavers" from Herts Care Partnership');
    expect(toAnn!.parsed.text).toMatch(/Topics: Care leavers/);
    expect(toAnn!.parsed.html).toContain('Yes, send me this feed');
  });

  it('leaves the request queue and cannot be decided twice', async () => {
    const queue = (await admin('GET', '/api/admin/feed-requests')).json().feedRequests;
    expect(queue.map((request: { id: string }) => request.id)).not.toContain(feedId);
    const again = await admin('POST', `/api/admin/feed-requests/${feedId}/reject`, { note: 'Changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already decided: it is active/);
  });

  it('makes a recipient active when they follow the link in their email', async () => {
    const page = await app.inject({ method: 'GET', url: confirmLink('ann@example.org') });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('You are subscribed');
    const { recipients } = await feedStatus(feedId);
    expect(recipients).toEqual([
      { email: 'ann@example.org', status: 'active' },
      { email: 'bob@example.org', status: 'pending' },
    ]);
    expect((await app.inject({ method: 'GET', url: confirmLink('ann@example.org') })).statusCode).toBe(200);
  });

  it('hands the weekly run only confirmed recipients of active feeds, with the feed name and filters', async () => {
    const recipients = await activeFeedRecipientsAfter(database.db, 0, 100);
    expect(recipients).toEqual([
      expect.objectContaining({
        email: 'ann@example.org',
        feed: expect.objectContaining({
          publicId: feedId,
          name: 'Care leavers',
          partnerName: 'Herts Care Partnership',
          filters: { councils: [], committees: [], topics: ['care-leavers'], keywords: [] },
        }),
      }),
    ]);
    expect(await activeFeedRecipientsAfter(database.db, recipients[0]!.id, 100)).toEqual([]);
  });

  it('leaves suppressed addresses out of the weekly run', async () => {
    await database.db.insert(suppressions).values({ emailKey: 'ann@example.org', reason: 'hard_bounce' });
    expect(await activeFeedRecipientsAfter(database.db, 0, 100)).toEqual([]);
    await database.db.delete(suppressions);
  });

  it('unsubscribes only on POST: the GET page shows a button', async () => {
    const link = await unsubscribeLink('ann@example.org');
    const form = await app.inject({ method: 'GET', url: link });
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<form method="post" action="\/feeds\/unsubscribe\/[^"]+"/);
    expect((await feedStatus(feedId)).recipients[0].status).toBe('active');

    const oneClick = await app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.body).toContain('You are unsubscribed');
    expect((await feedStatus(feedId)).recipients[0].status).toBe('unsubscribed');
    expect(await activeFeedRecipientsAfter(database.db, 0, 100)).toEqual([]);

    const twice = await app.inject({ method: 'POST', url: link });
    expect(twice.statusCode).toBe(200);
  });

  it('lets an unsubscribed recipient subscribe again in one click, while the old confirmation link is dead', async () => {
    expect((await app.inject({ method: 'GET', url: confirmLink('ann@example.org') })).statusCode).toBe(400);
    const done = await app.inject({ method: 'POST', url: await unsubscribeLink('ann@example.org') });
    const again = /href="(\/feeds\/confirm\/[^"]+|https:\/\/digest\.example\.org\/feeds\/confirm\/[^"]+)"/.exec(done.body)![1]!;
    expect((await app.inject({ method: 'GET', url: new URL(again, 'https://digest.example.org').pathname })).statusCode).toBe(200);
    expect((await feedStatus(feedId)).recipients[0].status).toBe('active');
  });

  it('answers a forged, expired or misused link with a 400 page that names nobody', async () => {
    const valid = confirmLink('bob@example.org');
    const forged = `${valid.slice(0, -2)}${valid.endsWith('AA') ? 'BB' : 'AA'}`;
    const expired = `/feeds/confirm/${signToken(tokenSecret, { purpose: 'feed-confirm', subject: await recipientPublicId('bob@example.org'), version: 1, expiresAt: 1 })}`;
    const wrongPurpose = `/feeds/confirm/${signToken(tokenSecret, { purpose: 'feed-unsubscribe', subject: await recipientPublicId('bob@example.org'), version: 1 })}`;
    for (const [url, reason] of [[forged, 'not one we sent'], [expired, 'expired'], [wrongPurpose, 'for something else'], ['/feeds/confirm/garbage', 'damaged']] as const) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(400);
      expect(page.body).toContain(reason);
      expect(page.body).not.toContain('bob@example.org');
    }
    expect((await feedStatus(feedId)).recipients[1].status).toBe('pending');
  });
});

describe('a rejected feed request', () => {
  it("is rejected with the operator's note, which the partner gets by email; recipients get nothing", async () => {
    smtp.reset();
    const { feed } = await requestFeed(app, partner.key, { name: 'Everything', recipients: ['carol@example.org'] });
    const response = await admin('POST', `/api/admin/feed-requests/${feed.id}/reject`, { note: 'Too broad: please choose some topics.' });
    expect(response.statusCode).toBe(200);
    expect(response.json().feed).toMatchObject({ status: 'rejected', decisionNote: 'Too broad: please choose some topics.' });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['feeds@care-partnership.example.org']);
    expect(mail!.parsed.subject).toBe('Your feed "Everything" was not approved');
    expect(mail!.parsed.text).toContain('Too broad: please choose some topics.');
    expect(smtp.to('carol@example.org')).toEqual([]);
    expect((await feedStatus(feed.id)).status).toBe('rejected');
  });

  it('needs a note, and answers 404 for an unknown request', async () => {
    const { feed } = await requestFeed(app, partner.key, { name: 'Noteless' });
    expect((await admin('POST', `/api/admin/feed-requests/${feed.id}/reject`, {})).statusCode).toBe(400);
    expect((await admin('POST', '/api/admin/feed-requests/00000000-0000-4000-8000-000000000000/approve')).statusCode).toBe(404);
    expect((await admin('POST', '/api/admin/feed-requests/17/approve')).statusCode).toBe(404);
  });

  it('does not mail a suppressed recipient when its feed is approved', async () => {
    smtp.reset();
    await database.db.insert(suppressions).values({ emailKey: 'dan@example.org', reason: 'complaint' });
    const { feed } = await requestFeed(app, partner.key, { name: 'Suppressed', recipients: ['Dan@Example.org'] });
    const response = await admin('POST', `/api/admin/feed-requests/${feed.id}/approve`);
    expect(response.json().confirmations).toEqual({ queued: 0, suppressed: 1 });
    await smtp.waitFor(1);
    expect(smtp.messages.map((message) => message.envelope.to[0])).toEqual(['feeds@care-partnership.example.org']);
  });

  it('counts a confirmation the mail server refuses for good as a hard bounce, and suppresses the address at HARD_BOUNCE_LIMIT', async () => {
    const refusing = await createTestAppWithMail(database, { HARD_BOUNCE_LIMIT: '1' }, { now: () => now }, {
      rejectRecipient: (address) => (address === 'nobody@example.org' ? { code: 550, message: 'no such user here' } : undefined),
    });
    const approve = (feedId: string) => refusing.app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feedId}/approve`, headers: adminHeaders });
    const bouncer = await createPartner(refusing.app, 'Bounce Partnership');

    const first = await requestFeed(refusing.app, bouncer.key, { name: 'First', recipients: ['nobody@example.org', 'eve@example.org'] });
    expect((await approve(first.feed.id)).json().confirmations).toEqual({ queued: 2, suppressed: 0 });
    await until(async () => (await recipientRow('nobody@example.org')).hardBounces === 1, 'the refusal counted');
    await until(() => refusing.smtp.to('eve@example.org').length === 1, "eve's confirmation");
    const listed = await database.db.select().from(suppressions).where(eq(suppressions.emailKey, 'nobody@example.org'));
    expect(listed).toMatchObject([{ reason: 'hard_bounce', note: expect.stringContaining('feed confirmation refused') }]);

    // Suppressed now: a later feed naming the address never mails it.
    const second = await requestFeed(refusing.app, bouncer.key, { name: 'Second', recipients: ['nobody@example.org'] });
    expect((await approve(second.feed.id)).json().confirmations).toEqual({ queued: 0, suppressed: 1 });
    expect(refusing.smtp.to('nobody@example.org')).toEqual([]);
    expect((await recipientRow('nobody@example.org')).hardBounces).toBe(1);
  });

  it('retries a confirmation the mail server puts off (4xx) with backoff, and mails each recipient once', async () => {
    const putOff = new Set(['later@example.org']);
    const flaky = await createTestAppWithMail(database, {}, { now: () => now }, {
      rejectMessage: (_index, envelope) => (putOff.delete(envelope.to[0]!) ? { code: 451, message: 'try again later' } : undefined),
    });
    const flakyPartner = await createPartner(flaky.app, 'Flaky Partnership');
    const { feed } = await requestFeed(flaky.app, flakyPartner.key, { name: 'Flaky', recipients: ['later@example.org', 'now@example.org'] });
    const approved = await flaky.app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feed.id}/approve`, headers: adminHeaders });
    expect(approved.json().confirmations).toEqual({ queued: 2, suppressed: 0 });
    await until(() => flaky.smtp.to('later@example.org').length === 1, 'the retried confirmation');
    await until(async () => (await recipientRow('later@example.org')).confirmationSentAt !== null, 'the confirmation noted');
    expect(flaky.smtp.to('now@example.org')).toHaveLength(1);

    // The job again (a repeat after a crash): everyone's confirmation is noted as sent, so nobody is mailed twice.
    const [row] = await database.db.select({ id: feeds.id }).from(feeds).where(eq(feeds.publicId, feed.id));
    const deps = mailingDeps(flaky.deps.config, { db: database.db, mailer: flaky.deps.mailer, templates: flaky.deps.templates, tokenSecret, logger: flaky.deps.logger });
    expect(await sendFeedConfirmations(deps, { feedId: row!.id }, { attempt: 1, lastAttempt: false })).toEqual({ sent: 0, skipped: 0, failed: 0 });
    expect(flaky.smtp.to('later@example.org')).toHaveLength(1);
    expect(flaky.smtp.to('now@example.org')).toHaveLength(1);
  });

  it('answers 503 when the queue is down, and queues the confirmations when approved again, each recipient mailed once', async () => {
    // A BullMQ queue whose Redis is not there: nothing listens on the port, so adding a job waits on reconnects.
    const down = createBullQueue({ url: 'redis://127.0.0.1:9', prefix: `down-${process.pid}`, logger: createLogger({ level: 'silent' }) });
    const stranded = await createTestAppWithMail(database, {}, { now: () => now, queue: down });
    const { feed } = await requestFeed(app, partner.key, { name: 'Queue down', recipients: ['first@example.org', 'second@example.org'] });

    const refused = await stranded.app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feed.id}/approve`, headers: adminHeaders });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/active, but its 2 confirmation mails could not be queued.*Approve it again/) });
    expect((await feedStatus(feed.id)).status).toBe('active');
    expect(stranded.smtp.to('feeds@care-partnership.example.org').map((message) => message.parsed.subject)).toEqual(['Your feed "Queue down" is approved']);
    void down.close().catch(() => undefined);

    // The queue back (the file's working app): approving again queues them, without telling the partner twice.
    const again = await admin('POST', `/api/admin/feed-requests/${feed.id}/approve`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ partnerNotified: false, confirmations: { queued: 2, suppressed: 0 } });
    await until(() => smtp.to('first@example.org').length === 1 && smtp.to('second@example.org').length === 1, 'both confirmations');

    // Everyone mailed: a third approval is the conflict it always was.
    await until(async () => (await recipientRow('second@example.org')).confirmationSentAt !== null, 'the confirmations noted');
    const third = await admin('POST', `/api/admin/feed-requests/${feed.id}/approve`);
    expect(third.statusCode).toBe(409);
    expect(smtp.to('first@example.org')).toHaveLength(1);
  }, 20_000);

  it('lists every request with status=all', async () => {
    const all = (await admin('GET', '/api/admin/feed-requests?status=all')).json().feedRequests;
    expect(new Set(all.map((request: { status: string }) => request.status))).toEqual(new Set(['active', 'rejected', 'requested']));
  });
});

async function recipientRow(email: string) {
  const [row] = await database.db.select().from(feedRecipients).where(eq(feedRecipients.emailKey, email));
  return row!;
}

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function recipientPublicId(email: string): Promise<string> {
  const [row] = await database.db.select({ publicId: feedRecipients.publicId }).from(feedRecipients).where(eq(feedRecipients.emailKey, email));
  return row!.publicId;
}

/** The unsubscribe link the weekly run puts in a feed digest. */
async function unsubscribeLink(email: string): Promise<string> {
  const [row] = await database.db.select().from(feedRecipients).where(eq(feedRecipients.emailKey, email));
  return new URL(feedRecipientLinks('https://digest.example.org', tokenSecret, row!, now).unsubscribe).pathname;
}
