import { eq, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries, digestRuns, subscribers, suppressions } from '../../src/db/schema/index.js';
import { subscriberDeliveries } from '../../src/digests/delivery-repo.js';
import { createOrJoinRun } from '../../src/digests/run-repo.js';
import { sentJournal } from '../../src/digests/sent-journal.js';
import { fanOut, rehearsalBatches, requestRun, retryFailed } from '../../src/digests/runs.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { itemsIn, rawHeader, type CapturedMail } from '../helpers/smtp.js';
import { createDigestHarness, runWeek, waitForRun, type DigestHarness } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';

const seededWeek = '2025-09-08';
const panel = 'childrens-social-care-cabinet-panel';

let database: Database;
let harness: DigestHarness;
/** What the SMTP sink refuses, set per test. */
let refuseRecipient: (address: string) => { code: number; message: string } | undefined;
let refuseMessage: (to: string[]) => { code: number; message: string } | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database, {
    sink: { rejectRecipient: (address) => refuseRecipient(address), rejectMessage: (_index, envelope) => refuseMessage(envelope.to) },
  });
});

// Each test starts with no runs, no deliveries, no suppressions and nobody subscribed.
beforeEach(async () => {
  refuseRecipient = () => undefined;
  refuseMessage = () => undefined;
  harness.smtp.reset();
  await database.db.execute(sql`truncate digest_runs cascade`);
  await database.db.delete(suppressions);
  await database.db.update(subscribers).set({ status: 'unsubscribed' });
});

function only(address: string): CapturedMail {
  const mails = harness.smtp.to(address);
  expect(mails, address).toHaveLength(1);
  return mails[0]!;
}

describe('a run for a seeded week', () => {
  it('sends every active subscriber exactly the meetings and items their filters ask for, once', async () => {
    await addSubscriber(database.db, { email: 'topic@example.org', filters: { topics: ['care-leavers'] } });
    await addSubscriber(database.db, { email: 'keyword@example.org', filters: { keywords: ['Household Support Fund'] } });
    await addSubscriber(database.db, { email: 'council@example.org', filters: { councils: ['hertfordshire'] } });
    await addSubscriber(database.db, { email: 'committee@example.org', filters: { committees: [panel], topics: ['workforce'] } });
    await addSubscriber(database.db, { email: 'elsewhere@example.org', filters: { councils: ['hertfordshire'], committees: ['no-such-committee'] } });
    await addSubscriber(database.db, { email: 'paused@example.org', status: 'paused' });
    await addSubscriber(database.db, { email: 'pending@example.org', status: 'pending' });

    const run = await runWeek(database, harness, seededWeek);

    expect(run).toMatchObject({ status: 'completed', total: 5, sent: 4, skipped: 1, failed: 0 });
    expect(harness.smtp.messages).toHaveLength(4);
    expect(itemsIn(only('topic@example.org'))).toEqual(['Household Support Fund 7', "Children's Social Care 2025/26 Quarter 1 Performance Report"]);
    expect(itemsIn(only('keyword@example.org'))).toEqual(['Household Support Fund 7']);
    expect(only('keyword@example.org').parsed.text).toContain('3 more items on this agenda.');
    expect(itemsIn(only('council@example.org'))).toHaveLength(4);
    expect(itemsIn(only('committee@example.org'))).toEqual(["Children's Services Recruitment, Retention and Workforce"]);
    expect(harness.smtp.to('elsewhere@example.org')).toHaveLength(0);
    expect(harness.smtp.to('paused@example.org')).toHaveLength(0);
    expect(only('keyword@example.org').parsed.subject).toBe("Children's Social Care Cabinet Panel, 10 Sept: Household Support Fund 7");
  });

  it('gives every digest its unsubscribe headers and a Message-ID derived from the subscriber and week', async () => {
    const reader = await addSubscriber(database.db, { email: 'headers@example.org' });
    await runWeek(database, harness, seededWeek);
    const mail = only('headers@example.org');
    expect(mail.parsed.messageId).toBe(`<digest.${reader.publicId}.${seededWeek}@localhost>`);
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(/^<https:\/\/digest\.example\.org\/unsubscribe\/[\w.-]+>, <mailto:unsubscribe@localhost\?subject=unsubscribe%20[\w.-]+>$/);
    expect(rawHeader(mail, 'List-Id')).toBe('Council Digest weekly <weekly.localhost>');
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, reader.id));
    expect(delivery).toMatchObject({ status: 'sent', messageId: mail.parsed.messageId, subject: mail.parsed.subject, meetings: 1, sections: 4 });
  });

  it('joins a second trigger of the same week and never sends twice', async () => {
    await addSubscriber(database.db, { email: 'once-a@example.org' });
    await addSubscriber(database.db, { email: 'once-b@example.org' });
    const [first, second] = await Promise.all([
      requestRun(harness.deps, { week: seededWeek, trigger: 'api' }),
      requestRun(harness.deps, { week: '2025-09-12', trigger: 'cli' }),
    ]);
    expect(second.run.id).toBe(first.run.id);
    expect([first.joined, second.joined].sort()).toEqual([false, true]);
    await waitForRun(database, first.run.id);
    const third = await requestRun(harness.deps, { week: seededWeek, trigger: 'schedule' });
    expect(third).toMatchObject({ joined: true, run: { id: first.run.id, status: 'completed' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.smtp.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual(['once-a@example.org', 'once-b@example.org']);
  });

  it('sends nothing for an empty week, counting everyone as skipped', async () => {
    await addSubscriber(database.db, { email: 'quiet@example.org' });
    const run = await runWeek(database, harness, '2025-01-06');
    expect(run).toMatchObject({ status: 'completed', total: 1, sent: 0, skipped: 1 });
    expect(harness.smtp.messages).toHaveLength(0);
    const [delivery] = await database.db.select().from(deliveries);
    expect(delivery).toMatchObject({ status: 'skipped', error: 'nothing matched this week' });
  });

  it('delivers a <script> in a meeting title as text', async () => {
    await importRecords(database.db, [
      {
        council: 'Hertfordshire County Council',
        committee: 'Highways and Transport Cabinet Panel',
        title: '<script>alert("owned")</script> Bus fares',
        startsAt: '2025-11-05T14:00:00+00:00',
        summary: 'The panel discussed <b>bus</b> fares.',
        sections: [{ heading: '<img src=x onerror=alert(1)>', blocks: [{ type: 'paragraph', text: 'Fares capped at £2.' }] }],
      },
    ]);
    await addSubscriber(database.db, { email: 'escape@example.org' });
    await runWeek(database, harness, '2025-11-03');
    const mail = only('escape@example.org');
    expect(mail.parsed.html).not.toContain('<script>alert');
    expect(mail.parsed.html).not.toContain('<img src=x');
    expect(mail.parsed.html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; Bus fares');
    expect(mail.parsed.text).toContain('<script>alert("owned")</script> Bus fares');
  });
});

describe('an interrupted fan-out', () => {
  it('resumes from its cursor when the week is triggered again', async () => {
    const readers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => addSubscriber(database.db, { email: `resume-${name}@example.org` })));
    readers.sort((x, y) => x.id - y.id);
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'schedule' });
    // The first two were queued and sent before the fan-out died.
    await database.db.insert(deliveries).values(
      readers.slice(0, 2).map((reader) => ({ runId: run.id, subscriberId: reader.id, week: seededWeek, messageId: `<m${reader.id}>`, status: 'sent' as const, counted: true })),
    );
    await database.db.update(digestRuns).set({ status: 'fanning_out', cursor: readers[1]!.id, total: 2, sent: 2 }).where(eq(digestRuns.id, run.id));
    const again = await requestRun(harness.deps, { week: seededWeek, trigger: 'api' });
    expect(again).toMatchObject({ joined: true, run: { id: run.id } });
    const finished = await waitForRun(database, run.id);
    expect(finished).toMatchObject({ status: 'completed', total: 5, sent: 5, cursor: readers[4]!.id });
    expect(harness.smtp.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual(readers.slice(2).map((reader) => reader.email).sort());
  });
});

describe('a fan-out out of retries', () => {
  it('marks the run failed with the reason, and a new trigger of the week resumes it', async () => {
    await addSubscriber(database.db, { email: 'after-outage@example.org' });
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'schedule' });
    const broken = { ...harness.deps, queue: { ...harness.deps.queue, addBulk: () => Promise.reject(new Error('Redis is down')) } };
    await expect(fanOut(broken, { runId: run.id }, { attempt: 10, lastAttempt: true })).rejects.toThrow('Redis is down');
    expect((await waitForRun(database, run.id)).error).toBe('fan-out failed: Redis is down');
    const again = await requestRun(harness.deps, { week: seededWeek, trigger: 'api' });
    expect(again.joined).toBe(true);
    expect(await waitForRun(database, run.id)).toMatchObject({ status: 'completed', sent: 1, error: null });
  });
});

describe('failures', () => {
  it('retries a transient failure and delivers exactly once', async () => {
    const seen = new Map<string, number>();
    refuseMessage = (to) => {
      const count = (seen.get(to[0]!) ?? 0) + 1;
      seen.set(to[0]!, count);
      return to[0] === 'flaky@example.org' && count === 1 ? { code: 451, message: 'try again later' } : undefined;
    };
    const reader = await addSubscriber(database.db, { email: 'flaky@example.org' });
    const run = await runWeek(database, harness, seededWeek);
    expect(run).toMatchObject({ status: 'completed', sent: 1, failed: 0 });
    expect(harness.smtp.to('flaky@example.org')).toHaveLength(1);
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, reader.id));
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('does not retry a permanent failure: the delivery fails and the bounce is counted', async () => {
    refuseRecipient = (address) => (address === 'gone@example.org' ? { code: 550, message: 'no such user' } : undefined);
    const reader = await addSubscriber(database.db, { email: 'gone@example.org' });
    await addSubscriber(database.db, { email: 'fine@example.org' });
    const run = await runWeek(database, harness, seededWeek);
    expect(run).toMatchObject({ status: 'completed', total: 2, sent: 1, failed: 1 });
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, reader.id));
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery!.error).toMatch(/550/);
    const [row] = await database.db.select().from(subscribers).where(eq(subscribers.id, reader.id));
    expect(row!.hardBounces).toBe(1);
    expect(await database.db.select().from(suppressions)).toHaveLength(0);
  });

  it('suppresses an address after repeated hard failures, and later runs leave it out', async () => {
    refuseRecipient = (address) => (address === 'bouncy@example.org' ? { code: 550, message: 'mailbox unavailable' } : undefined);
    const reader = await addSubscriber(database.db, { email: 'bouncy@example.org' });
    await database.db.update(subscribers).set({ hardBounces: harness.config.HARD_BOUNCE_LIMIT - 1 }).where(eq(subscribers.id, reader.id));
    await runWeek(database, harness, seededWeek);
    expect(await database.db.select().from(suppressions)).toEqual([expect.objectContaining({ emailKey: 'bouncy@example.org', reason: 'hard_bounce' })]);
    const next = await runWeek(database, harness, '2025-09-15');
    expect(next.total).toBe(0);
  });

  it('sends the failed digests again on "retry failed" once the server accepts them', async () => {
    refuseRecipient = (address) => (address === 'later@example.org' ? { code: 552, message: 'mailbox full' } : undefined);
    await addSubscriber(database.db, { email: 'later@example.org' });
    const failed = await runWeek(database, harness, seededWeek);
    expect(failed).toMatchObject({ sent: 0, failed: 1, status: 'completed' });
    refuseRecipient = () => undefined;
    expect(await retryFailed(harness.deps, failed.id)).toBe(1);
    const retried = await waitForRun(database, failed.id);
    expect(retried).toMatchObject({ status: 'completed', total: 1, sent: 1, failed: 0 });
    expect(harness.smtp.to('later@example.org')).toHaveLength(1);
  });

  it('re-sends a delivery left claimed by a crashed attempt, with the same Message-ID', async () => {
    const reader = await addSubscriber(database.db, { email: 'crashed@example.org' });
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'api' });
    const messageId = `<digest.${reader.publicId}.${seededWeek}@localhost>`;
    await database.db.insert(deliveries).values({
      runId: run.id,
      subscriberId: reader.id,
      week: seededWeek,
      messageId,
      attempts: 1,
      claimedAt: new Date(Date.now() - 60 * 60_000),
    });
    await requestRun(harness.deps, { week: seededWeek, trigger: 'api' });
    const finished = await waitForRun(database, run.id);
    expect(finished).toMatchObject({ status: 'completed', sent: 1 });
    expect(only('crashed@example.org').parsed.messageId).toBe(messageId);
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, reader.id));
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
  });
  it('settles from its note, without sending it again, a digest a crashed attempt had sent before it died', async () => {
    const [noted, unnoted] = await Promise.all(['noted@example.org', 'unnoted@example.org'].map((email) => addSubscriber(database.db, { email })));
    const { run } = await createOrJoinRun(database.db, { week: seededWeek, dryRun: false, trigger: 'api' });
    const claimed = await database.db
      .insert(deliveries)
      .values([noted!, unnoted!].map((reader) => ({ runId: run.id, subscriberId: reader.id, week: seededWeek, messageId: `<digest.${reader.publicId}.${seededWeek}@localhost>`, attempts: 1, claimedAt: new Date(Date.now() - 60 * 60_000) })))
      .returning({ id: deliveries.id, subscriberId: deliveries.subscriberId });
    const notedDelivery = claimed.find((row) => row.subscriberId === noted!.id)!;
    // What the dead attempt wrote when the SMTP server accepted noted@'s digest.
    await sentJournal(harness.deps.queue.notebook, run.id, subscriberDeliveries).note({
      id: notedDelivery.id,
      status: 'sent',
      subject: 'Childrens Social Care Cabinet Panel, 8 Sep',
      meetings: 1,
      sections: 3,
      carried: [],
    });
    await requestRun(harness.deps, { week: seededWeek, trigger: 'api' });
    const finished = await waitForRun(database, run.id);
    expect(finished).toMatchObject({ status: 'completed', total: 2, sent: 2, failed: 0 });
    expect(harness.smtp.to('noted@example.org')).toHaveLength(0);
    expect(harness.smtp.to('unnoted@example.org')).toHaveLength(1);
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.id, notedDelivery.id));
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, subject: 'Childrens Social Care Cabinet Panel, 8 Sep', meetings: 1, sections: 3 });
    // Settled in Postgres, the note is erased.
    expect(await harness.deps.queue.notebook.read(`sent:${run.id}`, [`subscriber:${notedDelivery.id}`])).toEqual([null]);
  });
});

describe('a dry run', () => {
  it('builds and renders everything, sends nothing, and reports counts and samples', async () => {
    await addSubscriber(database.db, { email: 'dry-a@example.org', filters: { topics: ['care-leavers'] } });
    await addSubscriber(database.db, { email: 'dry-b@example.org', filters: { topics: ['youth-justice'] } });
    const run = await runWeek(database, harness, seededWeek, { dryRun: true });
    expect(run).toMatchObject({ status: 'completed', dryRun: true, total: 2, sent: 1, skipped: 1 });
    expect(run.samples).toEqual([
      { email: 'dry-a@example.org', subject: expect.stringContaining('Household Support Fund 7'), meetings: 1, sections: 2 },
    ]);
    expect(harness.smtp.messages).toHaveLength(0);
    expect(await database.db.select().from(deliveries)).toHaveLength(0);
    // The rehearsal claims nothing: the real run of the week still sends.
    const real = await runWeek(database, harness, seededWeek);
    expect(real.id).not.toBe(run.id);
    expect(real).toMatchObject({ sent: 1, skipped: 1 });
  });

  it('queues its recipients in batches several times DIGEST_BATCH_SIZE, where a real run keeps to it', async () => {
    const count = 2 * rehearsalBatches + 1;
    for (let index = 0; index < count; index += 1) {
      await addSubscriber(database.db, { email: `batched-${index}@example.org`, filters: { topics: ['care-leavers'] } });
    }
    const pageSize = harness.deps.pageSize;
    harness.deps.pageSize = 100;
    const queued = vi.spyOn(harness.queue, 'addBulk');
    try {
      const sizesOf = async (dryRun: boolean) => {
        queued.mockClear();
        const run = await runWeek(database, harness, seededWeek, { dryRun });
        expect(run).toMatchObject({ status: 'completed', sent: count });
        return queued.mock.calls.flatMap(([jobs]) => jobs.filter((job) => job.name === 'digest-send').map((job) => (job.data as { subscriberIds: number[] }).subscriberIds.length));
      };
      const batch = harness.config.DIGEST_BATCH_SIZE;
      expect(await sizesOf(true)).toEqual([batch * rehearsalBatches, 1]);
      expect(await sizesOf(false)).toEqual([...Array<number>(rehearsalBatches).fill(batch), 1]);
    } finally {
      queued.mockRestore();
      harness.deps.pageSize = pageSize;
    }
  });
});
