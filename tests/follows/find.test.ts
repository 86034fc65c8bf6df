import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { follows, meetings } from '../../src/db/schema/index.js';
import { followMatches, itemOffers, matchFollows } from '../../src/follows/find.js';
import { recipientsByIds } from '../../src/digests/run-repo.js';
import { followKeyOf } from '../../src/follows/match.js';
import { importRecords } from '../../src/meetings/import.js';
import type { MeetingInput } from '../../src/meetings/schema.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber, type SubscriberRow } from '../helpers/subscribers.js';

let database: Database;
let alice: SubscriberRow;
let bob: SubscriberRow;

const planning = (startsAt: string, url: string, sections: MeetingInput['sections']): MeetingInput => ({
  council: 'East Hertfordshire District Council',
  committee: 'Development Management Committee',
  status: 'scheduled',
  startsAt,
  sources: { council: url },
  sections,
});

const october = planning('2025-10-15T18:00:00Z', 'https://democracy.example.gov.uk/ieListDocuments.aspx?MId=501', [
  { heading: 'Apologies for absence', number: '1.' },
  { heading: 'Land at Brickendon Lane, Hertford', number: '5.', agenda: [{ type: 'paragraph', text: 'Application 3/25/1234/FUL for 40 homes.' }] },
  { heading: 'Local Plan Review', number: '6.', issue: '4411' },
]);
const november = planning('2025-11-12T18:00:00Z', 'https://democracy.example.gov.uk/ieListDocuments.aspx?MId=502', [
  { heading: 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane', number: '3.' },
  { heading: 'Local Plans Review Panel', number: '4.' },
  { heading: 'Response to the Local Plan Review consultation', number: '7.', issue: '4411' },
  { heading: 'Application 3/25/1234/FULM, Hertford Road', number: '8.' },
]);

async function meetingIds() {
  const rows = await database.db.select({ id: meetings.id, url: meetings.councilUrl }).from(meetings);
  return Object.fromEntries(rows.map((row) => [row.url!.slice(-3), row.id])) as Record<'501' | '502', number>;
}

async function follow(subscriber: SubscriberRow, heading: string, text = '', issueId: string | null = null, alerts = true) {
  const key = followKeyOf({ heading, text, issueId, council: 'east-herts' })!;
  await database.db.insert(follows).values({ subscriberId: subscriber.id, ...key, label: heading, alerts });
  return key;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [october, november]);
  alice = await addSubscriber(database.db);
  bob = await addSubscriber(database.db);
});

describe('which follows the items of some meetings match', () => {
  it('finds a followed application reference in a later title, and not a different application', async () => {
    const key = await follow(alice, 'Land at Brickendon Lane, Hertford', 'Application 3/25/1234/FUL for 40 homes.');
    expect(key).toEqual({ kind: 'reference', value: '3/25/1234/FUL' });
    const ids = await meetingIds();
    const matches = await followMatches(database.db, [ids['502']]);
    expect(matches.map((match) => [match.subscriberId, match.heading])).toEqual([[alice.id, 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane']]);
  });

  it('finds a followed phrase only as whole words, and an issue only by its id', async () => {
    await follow(bob, '6. Local Plan Review (Pages 5 - 20)');
    const ids = await meetingIds();
    const bobs = await followMatches(database.db, [ids['502']], { subscriberIds: [bob.id] });
    expect(bobs.map((match) => match.heading)).toEqual(['Response to the Local Plan Review consultation']);
  });

  it('matches the meeting it was followed from too, and tells each item once per follow', async () => {
    const ids = await meetingIds();
    const matches = await followMatches(database.db, [ids['501'], ids['502']], { subscriberIds: [alice.id] });
    expect(matches.map((match) => [match.meetingId, match.heading])).toEqual([
      [ids['501'], 'Land at Brickendon Lane, Hertford'],
      [ids['502'], 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane'],
    ]);
  });

  it('leaves out follows that do not alert when asked for alerting ones only', async () => {
    const carol = await addSubscriber(database.db);
    await follow(carol, 'Local Plan Review', '', null, false);
    const ids = await meetingIds();
    const all = await followMatches(database.db, [ids['502']], { subscriberIds: [carol.id] });
    const alerting = await followMatches(database.db, [ids['502']], { subscriberIds: [carol.id], alertingOnly: true });
    expect(all).toHaveLength(1);
    expect(alerting).toEqual([]);
  });

  it("matches the same with a batch's follows read alongside its subscribers as with them looked up, alerting ones alone when asked", async () => {
    const dan = await addSubscriber(database.db);
    await follow(dan, 'Local Plan Review', '', null, false);
    await follow(dan, 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane');
    const ids = await meetingIds();
    const [row] = await recipientsByIds(database.db, [dan.id]);
    expect(row!.follows.map((each) => each.kind).sort()).toEqual(['phrase', 'reference']);
    expect(row!.follows[0]).toMatchObject({ subscriberId: dan.id, alerts: false });
    const offers = () => itemOffers(database.db, [ids['502']]);
    const looked = await matchFollows(database.db, offers, { subscriberIds: [dan.id] });
    expect(looked.length).toBeGreaterThan(1);
    expect(await matchFollows(database.db, offers, { follows: row!.follows })).toEqual(looked);
    expect(await matchFollows(database.db, offers, { follows: row!.follows, alertingOnly: true })).toEqual(looked.filter((match) => match.alerts));
    expect(await matchFollows(database.db, offers, { follows: [] })).toEqual([]);
  });

  it('answers nothing for no meetings, no subscribers, or meetings with no followed item', async () => {
    const ids = await meetingIds();
    expect(await followMatches(database.db, [])).toEqual([]);
    expect(await followMatches(database.db, [ids['502']], { subscriberIds: [] })).toEqual([]);
    await database.db.delete(follows).where(inArray(follows.subscriberId, [alice.id, bob.id]));
    expect(await followMatches(database.db, [ids['501']], { subscriberIds: [alice.id, bob.id] })).toEqual([]);
  });

  it('forgets a subscriber’s follows when the subscriber row goes', async () => {
    const dave = await addSubscriber(database.db);
    await follow(dave, 'Local Plan Review');
    await database.db.execute(`delete from subscribers where id = ${dave.id}`);
    expect(await database.db.select().from(follows).where(eq(follows.subscriberId, dave.id))).toEqual([]);
  });
});
