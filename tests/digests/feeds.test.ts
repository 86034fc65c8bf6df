import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestRuns, feedDeliveries, feedRecipients, partners, subscribers, suppressions } from '../../src/db/schema/index.js';
import { createOrJoinRun } from '../../src/digests/run-repo.js';
import { requestRun, retryFailed } from '../../src/digests/runs.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { adminHeaders } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { itemsIn, rawHeader, type CapturedMail } from '../helpers/smtp.js';
import { createDigestApp, createDigestHarness, runWeek, waitForRun, type DigestHarness } from '../helpers/digests.js';
import { redisPrefix } from '../helpers/redis.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { createPartner, requestFeed } from '../feeds/fixtures.js';

const prefix = redisPrefix();
const seededWeek = '2025-09-08';
const nextWeek = '2025-09-15';
const hsf = 'Household Support Fund 7';
const workforce = "Children's Services Recruitment, Retention and Workforce";
/** Hertfordshire only; workforce items or anything about the Household Support Fund. */
const feedFilters = { councils: ['hertfordshire'], topics: ['workforce'], keywords: ['Household Support Fund'] };

let database: Database;
/** The weekly run on BullMQ, and the same run in-process; one SMTP sink for both. */
let harness: DigestHarness;
let inline: DigestHarness;
let app: FastifyInstance;
let refuseRecipient: (address: string) => { code: number; message: string } | undefined;
let partnerCount = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  await importRecords(database.db, [
    // Matches the feed's topic and keyword in another council: councils must narrow it away.
    {
      council: 'North Hertfordshire District Council',
      committee: 'Cabinet',
      startsAt: '2025-09-09T19:30:00+01:00',
      title: 'Cabinet, 9 September 2025',
      summary: 'The cabinet allocated its share of the Household Support Fund.',
      sections: [{ heading: 'Household Support Fund allocation', blocks: [{ type: 'paragraph', text: 'The Household Support Fund share goes to food banks.' }] }],
    },
    // The next week's Hertfordshire meeting on the same subject.
    {
      council: 'Hertfordshire County Council',
      committee: 'Cabinet',
      startsAt: '2025-09-16T10:00:00+01:00',
      title: 'Cabinet, 16 September 2025',
      summary: 'The cabinet reviewed winter support.',
      sections: [{ heading: 'Household Support Fund 8', blocks: [{ type: 'paragraph', text: 'The Household Support Fund continues to March.' }] }],
    },
  ]);
  harness = await createDigestHarness(database, {
    redisPrefix: prefix,
    sink: { rejectRecipient: (address) => refuseRecipient(address) },
  });
  inline = await createDigestHarness(database, { smtp: harness.smtp });
  app = await createDigestApp(database, harness);
});

// Each test starts with no runs, partners, feeds or suppressions, and nobody subscribed.
beforeEach(async () => {
  refuseRecipient = () => undefined;
  harness.smtp.reset();
  await database.db.execute(sql`truncate digest_runs cascade`);
  await database.db.delete(partners);
  await database.db.delete(suppressions);
  await database.db.update(subscribers).set({ status: 'unsubscribed' });
});

/**
 * A partner's feed as the API makes it: requested, then approved (or not);
 * recipients in `confirm` click the link in their confirmation mail.
 */
async function partnerFeed(options: { recipients: string[]; confirm?: string[]; decision?: 'approve' | 'reject' | 'none'; name?: string }) {
  partnerCount += 1;
  const partner = await createPartner(app, `Herts Partnership ${partnerCount}`);
  const { feed } = await requestFeed(app, partner.key, { name: options.name ?? 'Support and staffing', ...feedFilters, recipients: options.recipients });
  const decision = options.decision ?? 'approve';
  if (decision !== 'none') {
    const before = harness.smtp.messages.length;
    const response = await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feed.id}/${decision}`, headers: adminHeaders, payload: { note: 'Decided.' } });
    expect(response.statusCode).toBe(200);
    // The partner's notice, and the confirmations the approval's job sends (on BullMQ), before the sink is emptied.
    await harness.smtp.waitFor(before + 1 + response.json().confirmations.queued);
  }
  for (const address of options.confirm ?? []) {
    const [mail] = harness.smtp.to(address);
    const link = /https:\/\/digest\.example\.org(\/feeds\/confirm\/\S+)/.exec(mail!.parsed.text ?? '')![1]!;
    expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
  }
  harness.smtp.reset();
  return { partnerName: `Herts Partnership ${partnerCount}`, feedId: feed.id };
}

async function recipient(email: string) {
  const [row] = await database.db.select().from(feedRecipients).where(eq(feedRecipients.email, email));
  return row!;
}

function only(address: string): CapturedMail {
  const mails = harness.smtp.to(address);
  expect(mails, address).toHaveLength(1);
  return mails[0]!;
}

describe('an approved partner feed in the weekly run', () => {
  it('sends its confirmed recipients exactly the matching meetings, named for the feed, once', async () => {
    const { partnerName, feedId } = await partnerFeed({
      recipients: ['ann@feeds.example.org', 'bob@feeds.example.org', 'cat@feeds.example.org'],
      confirm: ['ann@feeds.example.org', 'bob@feeds.example.org'],
    });
    // The same filters without the council: proves the other council's meeting matched otherwise.
    await addSubscriber(database.db, { email: 'anywhere@example.org', filters: { topics: feedFilters.topics, keywords: feedFilters.keywords } });

    const run = await runWeek(database, harness, seededWeek);

    expect(run).toMatchObject({ status: 'completed', total: 3, sent: 3, skipped: 0, failed: 0 });
    expect(harness.smtp.to('cat@feeds.example.org')).toHaveLength(0);
    expect(harness.smtp.to('anywhere@example.org')[0]!.parsed.text).toContain('North Hertfordshire District Council');
    for (const address of ['ann@feeds.example.org', 'bob@feeds.example.org']) {
      const mail = only(address);
      expect(itemsIn(mail).sort()).toEqual([hsf, workforce].sort());
      expect(mail.parsed.text).not.toContain('North Hertfordshire');
      expect(mail.parsed.text).not.toContain('Quarter 1 Performance Report\n---');
      expect(mail.parsed.subject).toMatch(/^Support and staffing: Children's Social Care Cabinet Panel, 10 Sept: /);
      expect(mail.parsed.html).toContain(`Support and staffing — a feed by ${partnerName}`);
      expect(mail.parsed.text).toContain(`${partnerName} asked for ${address} to get "Support and staffing", a feed that follows`);
      // Only the unsubscribe link: no preference centre, browser view or calendar for feed recipients.
      expect(mail.parsed.html).not.toMatch(/\/preferences\/|\/digests\/|\/calendar\/|webcal:/);
      expect(mail.parsed.text).not.toMatch(/\/calendar\/|webcal:/);
      expect(mail.parsed.html).toMatch(/href="https:\/\/digest\.example\.org\/feeds\/unsubscribe\/[\w.-]+"/);
      expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(
        /^<https:\/\/digest\.example\.org\/feeds\/unsubscribe\/[\w.-]+>, <mailto:unsubscribe@localhost\?subject=unsubscribe%20[\w.-]+>$/,
      );
      expect(rawHeader(mail, 'List-Id')).toBe(`Support and staffing <feed.${feedId}.localhost>`);
      const { publicId, id } = await recipient(address);
      expect(mail.parsed.messageId).toBe(`<feed.${publicId}.${seededWeek}@localhost>`);
      const [delivery] = await database.db.select().from(feedDeliveries).where(eq(feedDeliveries.recipientId, id));
      expect(delivery).toMatchObject({ status: 'sent', messageId: mail.parsed.messageId, subject: mail.parsed.subject, meetings: 1, sections: 2 });
    }
    expect(only('ann@feeds.example.org').parsed.messageId).not.toBe(only('bob@feeds.example.org').parsed.messageId);

    const again = await requestRun(harness.deps, { week: seededWeek, trigger: 'schedule' });
    expect(again).toMatchObject({ joined: true, run: { id: run.id, status: 'completed' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.smtp.messages).toHaveLength(3);
  });

  it('sends nothing more to a recipient who unsubscribed with the link in the mail', async () => {
    await partnerFeed({ recipients: ['leaver@feeds.example.org', 'stayer@feeds.example.org'], confirm: ['leaver@feeds.example.org', 'stayer@feeds.example.org'] });
    await runWeek(database, harness, seededWeek);
    const unsubscribe = /^<https:\/\/digest\.example\.org(\/feeds\/unsubscribe\/[\w.-]+)>/.exec(rawHeader(only('leaver@feeds.example.org'), 'List-Unsubscribe')!)![1]!;
    const oneClick = await app.inject({
      method: 'POST',
      url: unsubscribe,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    harness.smtp.reset();

    const next = await runWeek(database, harness, nextWeek);

    expect(next).toMatchObject({ status: 'completed', total: 1, sent: 1 });
    expect(harness.smtp.to('leaver@feeds.example.org')).toHaveLength(0);
    expect(itemsIn(only('stayer@feeds.example.org'))).toEqual(['Household Support Fund 8']);
  });

  it('sends nothing for an empty week, counting its recipients as skipped', async () => {
    await partnerFeed({ recipients: ['quiet@feeds.example.org'], confirm: ['quiet@feeds.example.org'] });
    const run = await runWeek(database, harness, '2025-01-06');
    expect(run).toMatchObject({ status: 'completed', total: 1, sent: 0, skipped: 1 });
    expect(harness.smtp.messages).toHaveLength(0);
    expect(await database.db.select().from(feedDeliveries)).toEqual([expect.objectContaining({ status: 'skipped', error: 'nothing matched this week' })]);
  });

  it('re-sends a delivery left claimed by a crashed attempt, with the same Message-ID', async () => {
    await partnerFeed({ recipients: ['crashed@feeds.example.org'], confirm: ['crashed@feeds.example.org'] });
    const row = await recipient('crashed@feeds.example.org');
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'api' });
    const messageId = `<feed.${row.publicId}.${seededWeek}@localhost>`;
    await database.db
      .insert(feedDeliveries)
      .values({ runId: run.id, recipientId: row.id, feedId: row.feedId, week: seededWeek, messageId, attempts: 1, claimedAt: new Date(Date.now() - 3_600_000) });
    await requestRun(harness.deps, { week: seededWeek, trigger: 'api' });
    expect(await waitForRun(database, run.id)).toMatchObject({ status: 'completed', total: 1, sent: 1 });
    expect(only('crashed@feeds.example.org').parsed.messageId).toBe(messageId);
    const [delivery] = await database.db.select().from(feedDeliveries);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails a permanently refused digest, counts the bounce, and sends it on "retry failed"', async () => {
    await partnerFeed({ recipients: ['full@feeds.example.org'], confirm: ['full@feeds.example.org'] });
    refuseRecipient = (address) => (address === 'full@feeds.example.org' ? { code: 552, message: 'mailbox full' } : undefined);
    const failed = await runWeek(database, harness, seededWeek);
    expect(failed).toMatchObject({ status: 'completed', total: 1, sent: 0, failed: 1 });
    expect((await recipient('full@feeds.example.org')).hardBounces).toBe(1);
    refuseRecipient = () => undefined;
    expect(await retryFailed(harness.deps, failed.id)).toBe(1);
    expect(await waitForRun(database, failed.id)).toMatchObject({ status: 'completed', total: 1, sent: 1, failed: 0 });
    expect(harness.smtp.to('full@feeds.example.org')).toHaveLength(1);
  });
});

describe('an interrupted fan-out', () => {
  it("resumes feed recipients from the run's feed cursor when the week is triggered again", async () => {
    const addresses = ['first', 'second', 'third'].map((name) => `resume-${name}@feeds.example.org`);
    await partnerFeed({ recipients: addresses, confirm: addresses });
    const rows = (await Promise.all(addresses.map(recipient))).sort((a, b) => a.id - b.id);
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'schedule' });
    // The subscribers and the first recipient were queued and sent before the fan-out died.
    await database.db
      .insert(feedDeliveries)
      .values({ runId: run.id, recipientId: rows[0]!.id, feedId: rows[0]!.feedId, week: seededWeek, messageId: '<m1>', status: 'sent', counted: true });
    await database.db.update(digestRuns).set({ status: 'fanning_out', feedCursor: rows[0]!.id, total: 1, sent: 1 }).where(eq(digestRuns.id, run.id));
    expect(await requestRun(harness.deps, { week: seededWeek, trigger: 'api' })).toMatchObject({ joined: true, run: { id: run.id } });
    expect(await waitForRun(database, run.id)).toMatchObject({ status: 'completed', total: 3, sent: 3, feedCursor: rows[2]!.id });
    expect(harness.smtp.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual(rows.slice(1).map((row) => row.email).sort());
  });
});

describe('feeds that are not active', () => {
  it('send nothing while requested or once rejected, whatever their recipients say', async () => {
    await partnerFeed({ recipients: ['waiting@feeds.example.org'], decision: 'none' });
    await partnerFeed({ recipients: ['refused@feeds.example.org'], decision: 'reject' });
    // Even a recipient marked active (as no link could make them) gets nothing from a feed that is not.
    await database.db.update(feedRecipients).set({ status: 'active' });
    const run = await runWeek(database, harness, seededWeek);
    expect(run).toMatchObject({ status: 'completed', total: 0, sent: 0 });
    expect(harness.smtp.messages).toHaveLength(0);
  });
});

describe('a dry run', () => {
  it('counts and renders feed recipients too, and sends and claims nothing', async () => {
    await partnerFeed({ recipients: ['rehearsal@feeds.example.org'], confirm: ['rehearsal@feeds.example.org'] });
    const run = await runWeek(database, harness, seededWeek, { dryRun: true });
    expect(run).toMatchObject({ status: 'completed', dryRun: true, total: 1, sent: 1 });
    expect(run.samples).toEqual([expect.objectContaining({ email: 'rehearsal@feeds.example.org', subject: expect.stringMatching(/^Support and staffing: /) })]);
    expect(harness.smtp.messages).toHaveLength(0);
    expect(await database.db.select().from(feedDeliveries)).toHaveLength(0);
  });
});

describe('without Redis', () => {
  it('sends the same feed digests in-process, once', async () => {
    await partnerFeed({ recipients: ['inline@feeds.example.org'], confirm: ['inline@feeds.example.org'] });
    const run = await runWeek(database, inline, seededWeek);
    expect(run).toMatchObject({ status: 'completed', total: 1, sent: 1 });
    expect(itemsIn(only('inline@feeds.example.org')).sort()).toEqual([hsf, workforce].sort());
    await requestRun(inline.deps, { week: seededWeek, trigger: 'cli' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.smtp.messages).toHaveLength(1);
    expect(await database.db.select({ feedCursor: digestRuns.feedCursor }).from(digestRuns)).toEqual([{ feedCursor: (await recipient('inline@feeds.example.org')).id }]);
  });
});
