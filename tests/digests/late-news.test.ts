import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries, deliveryMeetings, feedRecipients } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { importMeeting, topicIdsBySlug, validateMeeting } from '../../src/meetings/store.js';
import { loadTagger } from '../../src/meetings/topics/service.js';
import { createTestDatabase } from '../helpers/db.js';
import { adminHeaders } from '../helpers/app.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { createPartner, requestFeed } from '../feeds/fixtures.js';
import { addSubscriber } from '../helpers/subscribers.js';

let database: Database;
let harness: DigestHarness;

const panel = { council: 'Test Town Council', committee: 'Late News Panel' };
const follows = { committees: ['late-news-panel'] };
const agenda = [{ heading: 'Library opening hours' }, { heading: 'Play areas' }];
const minutes = (libraries: string) => [
  { heading: 'Library opening hours', blocks: [{ type: 'paragraph' as const, text: libraries }] },
  { heading: 'Play areas', blocks: [{ type: 'paragraph' as const, text: 'Three play areas will be resurfaced this spring.' }] },
];
const libraryMinute = 'The panel agreed to open the central library on Sundays from March, at a cost of £42,000 a year.';

/** A harvest of the council's site at `at`: what it found of the meeting then. */
async function harvest(key: string, startsAt: string, at: string, sections: object[], decisions: object[] = []) {
  const meeting = validateMeeting({ ...panel, startsAt, status: 'held', sections, decisions });
  await importMeeting(database.db, meeting, await loadTagger(database.db), await topicIdsBySlug(database.db), { origin: 'harvest', harvestKey: key, now: new Date(at) });
}

const mailsTo = (address: string) => harness.smtp.to(address);
const textOf = (address: string, index: number) => mailsTo(address)[index]!.parsed.text ?? '';

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database);
});

describe('since last week', () => {
  it('sends minutes that arrive after their week once, under "Since last week", then each form at most once', async () => {
    await addSubscriber(database.db, { email: 'follower@example.org', filters: follows });
    await addSubscriber(database.db, { email: 'elsewhere@example.org', filters: { committees: ['planning-committee'] } });
    // Held Thursday 8 January 2026; the agenda is on the council's site, no minutes yet.
    await harvest('late-1', '2026-01-08T10:00:00Z', '2026-01-09T05:00:00Z', agenda);
    await runWeek(database, harness, '2026-01-05');
    expect(mailsTo('follower@example.org')).toHaveLength(1);
    expect(textOf('follower@example.org', 0)).toMatch(/agenda published/i);

    // The minutes and the decision come on Wednesday of the next week.
    await harvest('late-1', '2026-01-08T10:00:00Z', '2026-01-14T05:00:00Z', minutes(libraryMinute), [
      { text: 'Open the central library on Sundays from March.', section: 'Library opening hours' },
    ]);
    const newcomer = await addSubscriber(database.db, { email: 'newcomer@example.org', filters: follows });
    await runWeek(database, harness, '2026-01-12');
    expect(mailsTo('follower@example.org')).toHaveLength(2);
    const late = mailsTo('follower@example.org')[1]!;
    expect(late.parsed.subject).toMatch(/^Since last week: Late News Panel, 8 Jan/);
    expect(late.parsed.text).toContain('SINCE LAST WEEK');
    expect(late.parsed.text).toContain('1 meeting and 2 agenda items on what you follow.');
    expect(late.parsed.text).toContain('Open the central library on Sundays from March.');
    expect(late.parsed.html).toContain('Since last week');
    expect(mailsTo('newcomer@example.org')).toHaveLength(1);
    expect(mailsTo('elsewhere@example.org')).toHaveLength(0);
    const recorded = await database.db.select().from(deliveryMeetings).where(eq(deliveryMeetings.recipientId, newcomer.id));
    expect(recorded).toMatchObject([{ audience: 'subscriber', form: 'minutes', changedAt: new Date('2026-01-14T05:00:00Z') }]);

    // Asking for the week again joins the run: nothing more is sent.
    await runWeek(database, harness, '2026-01-12');
    expect(mailsTo('follower@example.org')).toHaveLength(2);

    // A typo fixed the week after is not news again.
    await harvest('late-1', '2026-01-08T10:00:00Z', '2026-01-21T05:00:00Z', minutes(libraryMinute.replace('agreed', 'agreeed')), [
      { text: 'Open the central library on Sundays from March.', section: 'Library opening hours' },
    ]);
    await runWeek(database, harness, '2026-01-19');
    expect(mailsTo('follower@example.org')).toHaveLength(2);

    // A corrected figure is: the minutes form changed substantially, so it is sent once more.
    await harvest('late-1', '2026-01-08T10:00:00Z', '2026-01-28T05:00:00Z', minutes(libraryMinute.replace('£42,000', '£64,000')), [
      { text: 'Open the central library on Sundays from March.', section: 'Library opening hours' },
    ]);
    await runWeek(database, harness, '2026-01-26');
    expect(mailsTo('follower@example.org')).toHaveLength(3);
    expect(textOf('follower@example.org', 2)).toContain('£64,000');
  });

  it('leaves out of "Since last week" what a recipient already got in that form', async () => {
    await addSubscriber(database.db, { email: 'early-reader@example.org', filters: follows });
    // Held Thursday 5 February; its minutes come on Tuesday 10 February, before the week of 2 February is run.
    await harvest('late-2', '2026-02-05T10:00:00Z', '2026-02-04T05:00:00Z', agenda);
    await harvest('late-2', '2026-02-05T10:00:00Z', '2026-02-10T05:00:00Z', minutes(libraryMinute));
    await runWeek(database, harness, '2026-02-02');
    expect(mailsTo('early-reader@example.org')).toHaveLength(1);
    expect(textOf('early-reader@example.org', 0)).toContain('open the central library on Sundays');
    const run = await runWeek(database, harness, '2026-02-09');
    expect(mailsTo('early-reader@example.org')).toHaveLength(1);
    const [delivery] = await database.db
      .select({ status: deliveries.status, error: deliveries.error })
      .from(deliveries)
      .where(sql`${deliveries.runId} = ${run.id} and ${deliveries.subscriberId} = (select id from subscribers where email = 'early-reader@example.org')`);
    expect(delivery).toEqual({ status: 'skipped', error: 'nothing matched this week' });
  });

  it("follows the same rule for a partner feed's recipients: late minutes once, then nothing", async () => {
    const app = await createDigestApp(database, harness);
    await harvest('late-3', '2026-03-05T10:00:00Z', '2026-03-04T05:00:00Z', agenda);
    const partner = await createPartner(app, 'Friends of the Library');
    const { feed } = await requestFeed(app, partner.key, { name: 'Late News Panel', ...follows, recipients: ['friends@example.org'] });
    expect((await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${feed.id}/approve`, headers: adminHeaders, payload: { note: 'Yes.' } })).statusCode).toBe(200);
    // The confirmation comes from the job the approval queued.
    await vi.waitFor(() => expect(mailsTo('friends@example.org')).toHaveLength(1));
    const link = /https:\/\/digest\.example\.org(\/feeds\/confirm\/\S+)/.exec(mailsTo('friends@example.org')[0]!.parsed.text ?? '')![1]!;
    expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
    await runWeek(database, harness, '2026-03-02');
    expect(mailsTo('friends@example.org')).toHaveLength(2);
    await harvest('late-3', '2026-03-05T10:00:00Z', '2026-03-10T05:00:00Z', minutes(libraryMinute));
    await runWeek(database, harness, '2026-03-09');
    expect(mailsTo('friends@example.org')).toHaveLength(3);
    expect(mailsTo('friends@example.org')[2]!.parsed.text).toContain('SINCE LAST WEEK');
    const [friend] = await database.db.select().from(feedRecipients).where(eq(feedRecipients.email, 'friends@example.org'));
    const carried = await database.db.select().from(deliveryMeetings).where(eq(deliveryMeetings.recipientId, friend!.id));
    expect(carried.filter((row) => row.audience === 'feed recipient').map((row) => row.form)).toEqual(['agenda', 'minutes']);
    await runWeek(database, harness, '2026-03-16');
    expect(mailsTo('friends@example.org')).toHaveLength(3);
  });
});

describe('since last week, seen before and after sending', () => {
  it('is in the preview as the run would send it, and in "view in your browser" as it was sent, less what came in other weeks', async () => {
    const reader = await addSubscriber(database.db, { email: 'preview-reader@example.org', filters: follows });
    await harvest('late-3', '2026-04-02T10:00:00Z', '2026-04-03T05:00:00Z', agenda);
    await harvest('late-3', '2026-04-02T10:00:00Z', '2026-04-08T05:00:00Z', minutes(libraryMinute.replace('Sundays', 'Saturdays')));
    const app = await createDigestApp(database, harness);
    const preview = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=preview-reader@example.org&week=2026-04-06&format=text', headers: adminHeaders });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('SINCE LAST WEEK');
    expect(preview.body).toContain('open the central library on Saturdays');

    const run = await runWeek(database, harness, '2026-04-06');
    const [delivery] = await database.db.select({ status: deliveries.status, error: deliveries.error }).from(deliveries).where(sql`${deliveries.runId} = ${run.id} and ${deliveries.subscriberId} = ${reader.id}`);
    expect(delivery).toMatchObject({ status: 'sent' });
    const sent = harness.smtp.to('preview-reader@example.org').at(-1)!;
    expect(sent.parsed.text).toContain('SINCE LAST WEEK');
    // The week's own digest, once sent, still shows what it carried.
    const viewLink = /https:\/\/digest\.example\.org(\/digests\/[^\s")]+)/.exec(sent.parsed.text ?? '')![1]!;
    const view = await app.inject({ method: 'GET', url: viewLink });
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('Since last week');

    // A later week with the same minutes changing nothing substantial: nothing new for the reader, so nothing to preview.
    const later = await app.inject({ method: 'GET', url: '/api/admin/digest-preview?email=preview-reader@example.org&week=2026-04-13&format=text', headers: adminHeaders });
    expect(later.statusCode).toBe(404);
  });
});
