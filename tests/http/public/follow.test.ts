import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { follows, meetings, subscribers } from '../../../src/db/schema/index.js';
import { followItemPath, sectionFollowKey } from '../../../src/follows/item.js';
import type { FollowKey } from '../../../src/follows/match.js';
import { importRecords } from '../../../src/meetings/import.js';
import { loadMeetingViews } from '../../../src/meetings/queries.js';
import type { MeetingInput } from '../../../src/meetings/schema.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { subscriberLinks } from '../../../src/subscribers/links.js';
import { createTestApp, tokenSecret } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import { addSubscriber, type SubscriberRow } from '../../helpers/subscribers.js';
import { formActions, formTokenIn, pageText, postForm } from '../../subscribers/helpers.js';

let app: FastifyInstance;
let database: Database;
let meetingId: number;

const committee: MeetingInput = {
  council: 'East Hertfordshire District Council',
  committee: 'Development Management Committee',
  status: 'scheduled',
  startsAt: '2025-10-15T17:00:00Z',
  sources: { council: 'https://democracy.example.gov.uk/ieListDocuments.aspx?MId=501' },
  sections: [
    { heading: 'Apologies for absence', number: '1.' },
    { heading: 'Land at Brickendon Lane, Hertford', number: '5.', agenda: [{ type: 'paragraph', text: 'Application 3/25/1234/FUL for 40 homes.' }] },
    { heading: 'Local Plan Review (Pages 5 - 20)', number: '6.' },
  ],
};

/** The Follow link a digest gives `subscriber` for the meeting's item at `position`, as a path. */
async function followLink(subscriber: SubscriberRow, position: number): Promise<{ url: string; key: FollowKey | null }> {
  const [view] = await loadMeetingViews(database.db, [meetingId]);
  const key = sectionFollowKey(view!.sections[position]!, view!.council.slug);
  return { url: key ? subscriberLinks('', tokenSecret, subscriber).follow(followItemPath(meetingId, key)) : '', key };
}

const followsOf = (subscriber: SubscriberRow) => database.db.select().from(follows).where(eq(follows.subscriberId, subscriber.id));
const get = (url: string) => app.inject({ method: 'GET', url });
const confirm = async (url: string, fields: Record<string, string> = { alerts: 'on' }) =>
  postForm(app, url, { _csrf: formTokenIn((await get(url)).body, url), ...fields });

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [committee]);
  [{ id: meetingId }] = (await database.db.select({ id: meetings.id }).from(meetings)) as [{ id: number }];
  app = await createTestApp(database);
});

describe('a Follow link', () => {
  it('opens a page saying what will be followed, with the item and its meeting, and follows nothing by being opened', async () => {
    const reader = await addSubscriber(database.db);
    const { url, key } = await followLink(reader, 1);
    expect(key).toEqual({ kind: 'reference', value: '3/25/1234/FUL' });
    expect(url).toMatch(/^\/follow\/[\w-]+\.[\w-]+\/\d+\/reference\/3-25-1234-FUL$/);
    for (let open = 0; open < 3; open += 1) {
      const page = await get(url);
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      const text = pageText(page.body);
      expect(text).toContain('We will look for items mentioning 3/25/1234/FUL.');
      expect(text).toContain('“Land at Brickendon Lane, Hertford”');
      expect(text).toMatch(/agenda of Development Management Committee ?, East Hertfordshire District Council, Wednesday 15 October, 6pm\./);
      expect(page.body).toContain('<input type="checkbox" id="alerts" name="alerts" value="on" checked>');
      expect(formActions(page.body)).toEqual([url]);
    }
    expect(await followsOf(reader)).toEqual([]);
  });

  it('follows once when confirmed, alerts on by default; a second confirm changes nothing and says so', async () => {
    const reader = await addSubscriber(database.db);
    const { url } = await followLink(reader, 1);
    const form = formTokenIn((await get(url)).body, url);
    const first = await postForm(app, url, { _csrf: form, alerts: 'on' });
    expect(first.statusCode).toBe(200);
    expect(pageText(first.body)).toContain("You're following this item");
    const stored = await followsOf(reader);
    expect(stored).toMatchObject([{ kind: 'reference', value: '3/25/1234/FUL', label: 'Land at Brickendon Lane, Hertford', meetingId, alerts: true }]);

    // The button pressed twice, the second time with the box unticked: the follow stays as it was.
    const again = await postForm(app, url, { _csrf: form });
    expect(again.statusCode).toBe(200);
    expect(pageText(again.body)).toContain('You already follow this We will look for items mentioning 3/25/1234/FUL. Nothing has changed. We will email you');
    expect(await followsOf(reader)).toEqual(stored);
    expect(pageText((await get(url)).body)).toContain('You already follow this');
  });

  it('follows a title phrase, with the alerts box unticked leaving alerts off', async () => {
    const reader = await addSubscriber(database.db);
    const { url, key } = await followLink(reader, 2);
    expect(key).toEqual({ kind: 'phrase', value: 'local plan review' });
    expect(url).toMatch(/\/phrase\/local-plan-review$/);
    expect(pageText((await get(url)).body)).toContain('We will look for items whose title contains “local plan review”.');
    await confirm(url, {});
    expect(await followsOf(reader)).toMatchObject([{ kind: 'phrase', value: 'local plan review', alerts: false }]);
  });

  it('is not offered for procedural items', async () => {
    const reader = await addSubscriber(database.db);
    expect((await followLink(reader, 0)).key).toBeNull();
  });

  it('refuses a post without the page’s form token, following nothing', async () => {
    const reader = await addSubscriber(database.db);
    const { url } = await followLink(reader, 1);
    const response = await postForm(app, url, { alerts: 'on' });
    expect(response.statusCode).toBe(403);
    expect(await followsOf(reader)).toEqual([]);
  });

  it('answers a damaged, forged or other link with the bad-link page, and an item no longer listed with a 404', async () => {
    const reader = await addSubscriber(database.db);
    const { url } = await followLink(reader, 1);
    const [, , token, ...rest] = url.split('/');
    const forged = `/follow/${token!.slice(0, -3)}AAA/${rest.join('/')}`;
    const manage = subscriberLinks('', tokenSecret, reader).manage().split('/').at(-1);
    for (const bad of [forged, `/follow/${manage}/${rest.join('/')}`, `/follow/${token}/${meetingId}/reference/17-06-2025`, `/follow/${token}/${meetingId}/colour/blue`]) {
      const response = await get(bad);
      expect(response.statusCode, bad).toBe(400);
      expect(pageText(response.body)).toMatch(/This link doesn't work|This link is for something else|We couldn't read that/);
    }
    const elsewhere = await get(`/follow/${token}/${meetingId}/reference/25-00912-FULM`);
    expect(elsewhere.statusCode).toBe(404);
    expect(pageText(elsewhere.body)).toContain('That item is no longer on the meeting’s agenda');
    expect((await get(`/follow/${token}/${meetingId + 1000}/reference/3-25-1234-FUL`)).statusCode).toBe(404);
    expect(await followsOf(reader)).toEqual([]);
  });

  it('is gone (410) once its subscriber has unsubscribed or been erased', async () => {
    for (const status of ['unsubscribed', 'erased'] as const) {
      const reader = await addSubscriber(database.db);
      const { url } = await followLink(reader, 1);
      const page = await get(url);
      await database.db.update(subscribers).set({ status, tokenVersion: reader.tokenVersion + 1 }).where(eq(subscribers.id, reader.id));
      const gone = await get(url);
      expect(gone.statusCode).toBe(410);
      expect(pageText(gone.body)).toContain('This link has ended');
      const posted = await postForm(app, url, { _csrf: formTokenIn(page.body, url), alerts: 'on' });
      expect(posted.statusCode).toBe(410);
      expect(await followsOf(reader)).toEqual([]);
    }
  });
});
