import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { follows } from '../../src/db/schema/index.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { eraseSubscriberData } from '../../src/subscribers/admin.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { adminHeaders, createTestApp, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber, type SubscriberRow } from '../helpers/subscribers.js';
import { formTokenIn, pageText, postForm } from '../subscribers/helpers.js';

let database: Database;
let app: FastifyInstance;
let meetingId: number;

/** A subscriber following an application (alerts on) and a title phrase (alerts off), as the follow page stores them. */
async function followingReader(): Promise<SubscriberRow> {
  const reader = await addSubscriber(database.db);
  await database.db.insert(follows).values([
    { subscriberId: reader.id, kind: 'reference', value: '3/25/1234/FUL', label: 'Land at Brickendon Lane, Hertford', meetingId, alerts: true },
    { subscriberId: reader.id, kind: 'phrase', value: 'local plan review', label: '6. Local Plan Review (Pages 5 - 20)', meetingId, alerts: false },
  ]);
  return reader;
}

const followsOf = (reader: SubscriberRow) => database.db.select().from(follows).where(eq(follows.subscriberId, reader.id)).orderBy(follows.id);

/** Presses a button of the preference centre: the form of the page as it is, with its fields. */
async function press(reader: SubscriberRow, fields: Record<string, string>) {
  const manage = subscriberLinks('', tokenSecret, reader).manage();
  const page = await app.inject({ method: 'GET', url: manage });
  return postForm(app, manage, { _csrf: formTokenIn(page.body, manage), ...fields });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  const [stored] = await importRecords(database.db, [
    { council: 'East Hertfordshire District Council', committee: 'Development Management Committee', status: 'scheduled', startsAt: '2025-10-15T17:00:00Z', sections: [{ heading: 'Local Plan Review' }] },
  ]);
  meetingId = stored!.id;
  app = await createTestApp(database);
});

describe('follows in the preference centre', () => {
  it('lists each follow with what it looks for and whether it alerts', async () => {
    const reader = await followingReader();
    const page = await app.inject({ method: 'GET', url: subscriberLinks('', tokenSecret, reader).manage() });
    const text = pageText(page.body);
    expect(text).toContain('Items you follow');
    expect(text).toContain('Land at Brickendon Lane, Hertford We look for items mentioning 3/25/1234/FUL. Alerts by email: on.');
    expect(text).toContain('6. Local Plan Review (Pages 5 - 20) We look for items whose title contains “local plan review”. Alerts by email: off.');
  });

  it('switches a follow’s alerts off and on, and removes a follow, touching no other', async () => {
    const reader = await followingReader();
    const [reference, phrase] = await followsOf(reader);
    const off = await press(reader, { action: 'follow-alerts', follow: String(reference!.id), alerts: 'off' });
    expect(pageText(off.body)).toContain('Alerts for that item are off.');
    expect((await followsOf(reader)).map((follow) => follow.alerts)).toEqual([false, false]);
    await press(reader, { action: 'follow-alerts', follow: String(phrase!.id), alerts: 'on' });
    expect((await followsOf(reader)).map((follow) => follow.alerts)).toEqual([false, true]);

    const removed = await press(reader, { action: 'unfollow', follow: String(reference!.id) });
    expect(removed.statusCode).toBe(200);
    expect(pageText(removed.body)).toContain('You no longer follow that item.');
    expect(pageText(removed.body)).not.toContain('Land at Brickendon Lane');
    expect((await followsOf(reader)).map((follow) => follow.value)).toEqual(['local plan review']);
    expect(pageText((await press(reader, { action: 'unfollow', follow: String(reference!.id) })).body)).toContain('That follow was already gone.');
  });

  it("cannot remove or switch another subscriber's follow", async () => {
    const reader = await followingReader();
    const other = await followingReader();
    const [theirs] = await followsOf(other);
    await press(reader, { action: 'unfollow', follow: String(theirs!.id) });
    await press(reader, { action: 'follow-alerts', follow: String(theirs!.id), alerts: 'off' });
    expect(await followsOf(other)).toMatchObject([{ id: theirs!.id, alerts: true }, {}]);
    expect(await followsOf(reader)).toHaveLength(2);
  });

  it('needs the page’s form token to change a follow', async () => {
    const reader = await followingReader();
    const [reference] = await followsOf(reader);
    const refused = await postForm(app, subscriberLinks('', tokenSecret, reader).manage(), { action: 'unfollow', follow: String(reference!.id) });
    expect(refused.statusCode).toBe(403);
    expect(await followsOf(reader)).toHaveLength(2);
  });
});

describe('erasing a subscriber', () => {
  it("erases their follows, by the operators' API and by the console's erase (eraseSubscriberData), keeping everyone else's", async () => {
    const byApi = await followingReader();
    const byConsole = await followingReader();
    const bystander = await followingReader();
    const response = await app.inject({ method: 'DELETE', url: `/api/admin/subscribers/${byApi.id}`, headers: adminHeaders });
    expect(response.statusCode).toBe(200);
    expect(await followsOf(byApi)).toEqual([]);
    expect(await eraseSubscriberData(database.db, byConsole.id, { suppress: false, now: new Date() })).toMatchObject({ status: 'erased' });
    expect(await followsOf(byConsole)).toEqual([]);
    expect(await followsOf(bystander)).toHaveLength(2);
  });
});
