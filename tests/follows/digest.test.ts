import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { follows, subscribers } from '../../src/db/schema/index.js';
import { importRecords } from '../../src/meetings/import.js';
import type { MeetingInput } from '../../src/meetings/schema.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { filterKey } from '../../src/subscribers/filters.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { parseCalendar } from '../helpers/ical.js';
import { itemsIn, type CapturedMail } from '../helpers/smtp.js';
import { addSubscriber, type SubscriberRow } from '../helpers/subscribers.js';
import { formTokenIn, postForm } from '../subscribers/helpers.js';

/**
 * Following an item end to end: the Follow link in one week's digest, the
 * confirm page, and the next week's digest and the calendar feed, with items
 * that look alike and are not the same matter.
 */
let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;
let reader: SubscriberRow;
let neighbour: SubscriberRow;
const weekOne = '2025-10-06';
const weekTwo = '2025-10-13';
/** The Monday after week two: when its digest goes, and when the calendar is read. */
const now = new Date('2025-10-20T08:00:00Z');

const eastHerts = (committee: string, status: MeetingInput['status'], startsAt: string, mid: number, sections: MeetingInput['sections']): MeetingInput => ({
  council: 'East Hertfordshire District Council',
  committee,
  status,
  startsAt,
  sources: { council: `https://democracy.eastherts.example.gov.uk/ieListDocuments.aspx?MId=${mid}` },
  sections,
});

const meetingsOfWeekOne = [
  eastHerts('Development Management Committee', 'held', '2025-10-08T18:00:00Z', 501, [
    { heading: 'Apologies for absence', number: '1.' },
    { heading: 'Land at Brickendon Lane, Hertford', number: '5.', agenda: [{ type: 'paragraph', text: 'Application 3/25/1234/FUL for 40 homes.' }] },
    { heading: 'Local Plan Review (Pages 5 - 20)', number: '6.', agenda: [{ type: 'paragraph', text: 'The timetable for the review.' }] },
  ]),
];

const meetingsOfWeekTwo: MeetingInput[] = [
  eastHerts('Development Management Committee', 'held', '2025-10-15T18:00:00Z', 502, [
    { heading: 'Application 3/25/1234/FULM, Hertford Road', number: '3.', agenda: [{ type: 'paragraph', text: 'Another application next door.' }] },
    { heading: 'Deferred item: 3/25/1234/FUL Land at Brickendon Lane', number: '4.', agenda: [{ type: 'paragraph', text: 'Deferred from last week.' }] },
    { heading: 'Local Plans Review Panel', number: '5.', agenda: [{ type: 'paragraph', text: 'Terms of reference.' }] },
    { heading: 'Response to the Local Plan Review consultation', number: '7.', agenda: [{ type: 'paragraph', text: 'Our response.' }] },
  ]),
  // False friends only: a different application, a longer panel name, a date written with slashes.
  eastHerts('Overview and Scrutiny Committee', 'held', '2025-10-16T18:00:00Z', 503, [
    { heading: 'Planning enforcement: 3/25/1234/FULM and 25/00912/FULM', number: '2.', agenda: [{ type: 'paragraph', text: 'Two cases.' }] },
    { heading: 'Local Plans Review Panel minutes of 03/10/2025', number: '3.', agenda: [{ type: 'paragraph', text: 'Noted.' }] },
  ]),
  {
    council: 'Hertfordshire County Council',
    committee: 'Highways and Transport Cabinet Panel',
    status: 'held',
    startsAt: '2025-10-14T10:00:00Z',
    sources: { council: 'https://democracy.hertfordshire.example.gov.uk/ieListDocuments.aspx?MId=601' },
    sections: [{ heading: 'Highways maintenance programme', number: '4.', agenda: [{ type: 'paragraph', text: 'Resurfacing this winter.' }] }],
  },
  // Coming up: the plan again, the week after.
  eastHerts('Executive', 'scheduled', '2025-10-21T18:30:00Z', 504, [
    { heading: 'Local Plan Review: next steps', number: '8.', agenda: [{ type: 'paragraph', text: 'Agreeing the next stage.' }] },
  ]),
];

function only(address: string): CapturedMail {
  const mails = harness.smtp.to(address);
  expect(mails, address).toHaveLength(1);
  return mails[0]!;
}

/** The Follow link a mail's text part gives the item ending `tail`, as a path. */
function followLinkIn(mail: CapturedMail, tail: string): string {
  const links = [...(mail.parsed.text ?? '').matchAll(/Follow this item: https:\/\/digest\.example\.org(\/follow\/\S+)/g)].map((match) => match[1]!);
  const link = links.find((path) => path.endsWith(tail));
  if (!link) throw new Error(`no Follow link ending ${tail} among ${links.join(', ')}`);
  return link;
}

async function follow(path: string) {
  const page = await app.inject({ method: 'GET', url: path });
  expect(page.statusCode).toBe(200);
  const confirmed = await postForm(app, path, { _csrf: formTokenIn(page.body, path), alerts: 'on' });
  expect(confirmed.statusCode).toBe(200);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [...meetingsOfWeekOne, ...meetingsOfWeekTwo]);
  harness = await createDigestHarness(database);
  app = await createDigestApp(database, harness, { now: () => now });
  reader = await addSubscriber(database.db, { email: 'reader@example.org', filters: { councils: ['east-herts'] } });
  neighbour = await addSubscriber(database.db, { email: 'neighbour@example.org', filters: { councils: ['hertfordshire'] } });
});

describe('following an item from a digest', () => {
  it("puts a Follow link on each agenda item of the digest, in its HTML and text, and none on procedural items", async () => {
    await runWeek(database, harness, weekOne);
    const mail = only('reader@example.org');
    const reference = followLinkIn(mail, '/reference/3-25-1234-FUL');
    const phrase = followLinkIn(mail, '/phrase/local-plan-review');
    expect(mail.parsed.html).toContain(`href="https://digest.example.org${reference}"`);
    expect(mail.parsed.html).toContain(`href="https://digest.example.org${phrase}"`);
    expect(mail.parsed.text).toContain('1. Apologies for absence\n------------------------\n\n5. Land at Brickendon Lane');
    expect((mail.parsed.html as string).match(/>Follow this item</g)).toHaveLength(2);
    expect(await database.db.select().from(follows)).toEqual([]);
  });

  it('follows an application by its reference and an item by its title, from the links, once each', async () => {
    const mail = only('reader@example.org');
    await follow(followLinkIn(mail, '/reference/3-25-1234-FUL'));
    await follow(followLinkIn(mail, '/phrase/local-plan-review'));
    const again = await app.inject({ method: 'GET', url: followLinkIn(mail, '/phrase/local-plan-review') });
    expect(again.body).toContain('You already follow this');
    const stored = await database.db.select().from(follows).where(eq(follows.subscriberId, reader.id));
    expect(stored.map(({ kind, value, alerts }) => ({ kind, value, alerts }))).toEqual([
      { kind: 'reference', value: '3/25/1234/FUL', alerts: true },
      { kind: 'phrase', value: 'local plan review', alerts: true },
    ]);
  });

  it('puts the meetings listing what is followed first in the next digest, under "Items you follow", even outside the filters, with only the matching items', async () => {
    // The reader now asks only for the county council: East Herts is outside their filters.
    await database.db.update(subscribers).set({ councils: ['hertfordshire'], filterKey: filterKey({ councils: ['hertfordshire'] }) }).where(eq(subscribers.id, reader.id));
    harness.smtp.reset();
    await runWeek(database, harness, weekTwo);
    const mail = only('reader@example.org');
    const text = mail.parsed.text ?? '';
    expect(itemsIn(mail)).toEqual(['4. Deferred item: 3/25/1234/FUL Land at Brickendon Lane', '7. Response to the Local Plan Review consultation', '4. Highways maintenance programme']);
    const order = ['ITEMS YOU FOLLOW', 'Coming up, Tuesday 21 October, 7:30pm: Executive, East Hertfordshire District Council', 'Development Management Committee', 'THIS WEEK', 'Highways and Transport Cabinet Panel'];
    const positions = order.map((part) => text.indexOf(part));
    expect(positions.every((position) => position >= 0), text).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('  Local Plan Review: next steps\n  How to attend or speak, on the council\'s page: https://democracy.eastherts.example.gov.uk/ieListDocuments.aspx?MId=504');
    for (const falseFriend of ['Hertford Road', 'Local Plans Review Panel', 'Overview and Scrutiny', '25/00912/FULM']) expect(text).not.toContain(falseFriend);
    expect(mail.parsed.html).toContain('>Items you follow</h2>');
    expect((mail.parsed.html as string).indexOf('Items you follow')).toBeLessThan((mail.parsed.html as string).indexOf('Highways maintenance programme'));
    expect(mail.parsed.html).toContain('ieListDocuments.aspx?MId&#x3D;504" style="color:#1d4ed8;">How to attend or speak: the council\'s page</a>');
  });

  it('leaves a subscriber who follows nothing with the digest of their filters alone', () => {
    const text = only('neighbour@example.org').parsed.text ?? '';
    expect(text).not.toContain('ITEMS YOU FOLLOW');
    expect(itemsIn(only('neighbour@example.org'))).toEqual(['4. Highways maintenance programme']);
  });

  it('shows the same in "view in your browser"', async () => {
    const view = await app.inject({ method: 'GET', url: subscriberLinks('', tokenSecret, reader).digest(weekTwo) });
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('>Items you follow</h2>');
    expect(view.body).toContain(`${subscriberLinks('https://digest.example.org', tokenSecret, reader).followBase()}/`);
  });

  it("holds the followed meetings in the subscriber's calendar feed, whatever the filters, and not the false friends'", async () => {
    const feed = await app.inject({ method: 'GET', url: subscriberLinks('', tokenSecret, reader).calendar() });
    expect(feed.statusCode).toBe(200);
    const summaries = parseCalendar(feed.body).events.map((event) => event.summary);
    expect(summaries).toEqual([
      'Development Management Committee, East Hertfordshire District Council',
      'Highways and Transport Cabinet Panel, Hertfordshire County Council',
      'Development Management Committee, East Hertfordshire District Council',
      'Executive, East Hertfordshire District Council',
    ]);
    const theirs = parseCalendar((await app.inject({ method: 'GET', url: subscriberLinks('', tokenSecret, neighbour).calendar() })).body).events;
    expect(theirs.map((event) => event.summary)).toEqual(['Highways and Transport Cabinet Panel, Hertfordshire County Council']);
  });
});
