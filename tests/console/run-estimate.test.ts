import { beforeAll, describe, expect, it } from 'vitest';
import { adminTokenActor } from '../../src/console/audit.js';
import { estimateRun } from '../../src/console/run-estimate.js';
import type { Database } from '../../src/db/client.js';
import { feedRecipients, feeds, partners, subscribers, suppressions } from '../../src/db/schema/index.js';
import { confirmRunPage } from '../../src/http/operators/console/runs-page.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { emailKey } from '../../src/subscribers/email.js';
import { filterKey, normaliseFilters, type FilterSet } from '../../src/subscribers/filters.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';

/**
 * The confirmation before a run counts who will get a digest and who will
 * be skipped exactly, however many filter sets there are: it must agree
 * with what a dry run of the week then does.
 */

const zone = 'Europe/London';
const week = '2026-02-02';
const oneOffReceivers = 360;
const oneOffSkipped = 40;

let database: Database;
let harness: DigestHarness;

async function addMany(people: { email: string; filters: Partial<FilterSet>; status?: 'active' | 'pending' | 'unsubscribed' }[]) {
  const rows = people.map(({ email, filters: raw, status }) => {
    const filters = normaliseFilters(raw);
    return { email, emailKey: emailKey(email), status: status ?? 'active', ...filters, filterKey: filterKey(filters), consentSource: 'import', confirmedAt: new Date() };
  });
  await database.db.insert(subscribers).values(rows);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  harness = await createDigestHarness(database, { env: { DIGEST_BATCH_SIZE: '50' } });
  const meeting = (council: string, committee: string, status: 'held' | 'scheduled', day: number, topic: string, text: string) => ({
    council,
    committee,
    status,
    startsAt: new Date(Date.UTC(2026, 1, 2 + day, 10)).toISOString(),
    sources: { council: `https://council.example.org/meetings/${council}/${day}` },
    summary: `Members met about ${text}.`,
    topics: [topic],
    sections: [{ heading: `1. ${text}`, level: 1, topics: [], blocks: [{ type: 'paragraph', text: `The panel discussed ${text}.` }] }],
  });
  await importRecords(database.db, [
    meeting('Hertfordshire County Council', 'Cabinet', 'held', 1, 'housing', 'bus lanes'),
    // In the week but not yet held: a digest is only sent for meetings that took place.
    meeting('Broxbourne Borough Council', 'Planning Committee', 'scheduled', 3, 'planning', 'the library'),
  ]);
  await addMany([
    // Each a filter set of its own: the housing topic gets the held meeting, the made-up keyword nothing.
    ...Array.from({ length: oneOffReceivers }, (_, n) => ({ email: `housing-${n}@example.org`, filters: { topics: ['housing'], keywords: [`unheardof${n}`] } })),
    // Each a filter set of its own that finds only the meeting not yet held.
    ...Array.from({ length: oneOffSkipped }, (_, n) => ({ email: `library-${n}@example.org`, filters: { keywords: ['library', `neverwritten${n}`] } })),
    // Two filter sets many share.
    ...Array.from({ length: 5 }, (_, n) => ({ email: `herts-${n}@example.org`, filters: { councils: ['hertfordshire'] } })),
    ...Array.from({ length: 3 }, (_, n) => ({ email: `brox-${n}@example.org`, filters: { councils: ['broxbourne'], committees: ['planning-committee'] } })),
    // Not recipients: not confirmed, gone, or suppressed.
    { email: 'pending@example.org', filters: { councils: ['hertfordshire'] }, status: 'pending' },
    { email: 'gone@example.org', filters: { councils: ['hertfordshire'] }, status: 'unsubscribed' },
    { email: 'bounced@example.org', filters: { councils: ['hertfordshire'] } },
  ]);
  await database.db.insert(suppressions).values({ emailKey: emailKey('bounced@example.org'), reason: 'hard_bounce', note: 'test' });
  const [partner] = await database.db.insert(partners).values({ name: 'Care Network', contactEmail: 'feeds@care.example.org' }).returning();
  const feed = async (name: string, status: 'active' | 'requested', raw: Partial<FilterSet>, people: { email: string; status?: 'active' | 'pending' }[]) => {
    const filters = normaliseFilters(raw);
    const [row] = await database.db.insert(feeds).values({ partnerId: partner!.id, name, status, ...filters, filterKey: filterKey(filters), atomTokenHash: `hash-${name}` }).returning();
    await database.db.insert(feedRecipients).values(people.map((person) => ({ feedId: row!.id, email: person.email, emailKey: emailKey(person.email), status: person.status ?? 'active' })));
  };
  await feed('Housing', 'active', { topics: ['housing'] }, [{ email: 'a@care.example.org' }, { email: 'b@care.example.org' }, { email: 'c@care.example.org', status: 'pending' }]);
  await feed('Broxbourne planning', 'active', { councils: ['broxbourne'], committees: ['planning-committee'] }, [{ email: 'd@care.example.org' }]);
  // Not yet approved: its recipients get nothing.
  await feed('Asked for', 'requested', { topics: ['housing'] }, [{ email: 'e@care.example.org' }]);
}, 60_000);

describe('the run estimate', () => {
  it("decides every one of hundreds of filter sets, more than the 300 once checked ahead, and counts everyone, partner feeds' recipients too", async () => {
    const estimate = await estimateRun(database.db, week, zone);
    expect(estimate).toEqual({
      week,
      recipients: oneOffReceivers + oneOffSkipped + 5 + 3,
      receive: oneOffReceivers + 5,
      skip: oneOffSkipped + 3,
      filterSets: oneOffReceivers + oneOffSkipped + 2,
      feedRecipients: { recipients: 3, receive: 2, skip: 1 },
    });
  });

  it('is what the confirmation page says, subscribers and partner feeds apart, with nothing left "not checked"', async () => {
    const page = confirmRunPage({ actor: adminTokenActor, csrf: 'token' }, await estimateRun(database.db, week, zone), false);
    expect(page).toContain(`<strong>${oneOffReceivers + 5}</strong> subscribers will receive a digest; <strong>${oneOffSkipped + 3}</strong> will be skipped`);
    expect(page).toContain(`with ${oneOffReceivers + oneOffSkipped + 2} different filter sets, each checked against the week`);
    expect(page).toContain('Partner feeds: <strong>2</strong> of their 3 confirmed recipients will receive a digest; <strong>1</strong> will be skipped');
    expect(page).not.toContain('not checked');
  });

  it('says what a dry run of the week then does', async () => {
    const estimate = await estimateRun(database.db, week, zone);
    const run = await runWeek(database, harness, week, { dryRun: true });
    expect(run.status).toBe('completed');
    const feeds = estimate.feedRecipients;
    expect({ receive: run.sent, skip: run.skipped, recipients: run.total }).toEqual({
      receive: estimate.receive + feeds.receive,
      skip: estimate.skip + feeds.skip,
      recipients: estimate.recipients + feeds.recipients,
    });
  });

  it('counts everyone as skipped in a week without meetings', async () => {
    const estimate = await estimateRun(database.db, '2026-03-02', zone);
    expect(estimate).toMatchObject({ receive: 0, skip: oneOffReceivers + oneOffSkipped + 8, feedRecipients: { receive: 0, skip: 3 } });
  });
});
