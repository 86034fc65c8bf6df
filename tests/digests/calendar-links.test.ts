import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { subscribers } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { parseCalendar } from '../helpers/ical.js';
import type { CapturedMail } from '../helpers/smtp.js';
import { addSubscriber } from '../helpers/subscribers.js';

const seededWeek = '2025-09-08';
/** The Monday the digest goes out: the seeded meeting of 10 September is in the calendar's two weeks back. */
const monday = new Date('2025-09-15T07:00:00Z');

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  harness = await createDigestHarness(database);
  app = await createDigestApp(database, harness, { now: () => monday });
});

function mailTo(address: string): CapturedMail {
  const mails = harness.smtp.to(address);
  expect(mails, address).toHaveLength(1);
  return mails[0]!;
}

/** The calendar links of a digest's HTML part, by where they point. */
function calendarHrefs(html: string): { ics: string[]; webcal: string[] } {
  const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  return { ics: hrefs.filter((href) => /^https:\/\/[^/]+\/calendar\/[^/]+\.ics$/.test(href)), webcal: hrefs.filter((href) => href.startsWith('webcal:')) };
}

describe("a subscriber's calendar link in the digest", () => {
  it('carries the .ics address and its webcal:// form in the HTML and the text, each subscriber their own', async () => {
    await database.db.update(subscribers).set({ status: 'unsubscribed' });
    // Two with one filter set: their digest is rendered once and each link filled in per recipient.
    await addSubscriber(database.db, { email: 'ann@example.org', filters: { councils: ['hertfordshire'] } });
    await addSubscriber(database.db, { email: 'bob@example.org', filters: { councils: ['hertfordshire'] } });
    await runWeek(database, harness, seededWeek);

    const links = [];
    for (const address of ['ann@example.org', 'bob@example.org']) {
      const mail = mailTo(address);
      const { ics, webcal } = calendarHrefs(mail.parsed.html || '');
      expect(ics, address).toHaveLength(1);
      expect(webcal, address).toEqual([ics[0]!.replace(/^https:\/\//, 'webcal://')]);
      expect(ics[0]).toMatch(/^https:\/\/digest\.example\.org\/calendar\/[\w-]+\.[\w-]+\.ics$/);
      const text = mail.parsed.text ?? '';
      expect(text).toContain(`Subscribe in your calendar app: ${webcal[0]}`);
      expect(text).toContain(`Or add this address "from URL" in Google or Outlook: ${ics[0]}`);
      links.push(ics[0]!);
    }
    expect(new Set(links).size).toBe(2);

    // The link answers as a calendar of the meetings the digest was about.
    const response = await app.inject({ method: 'GET', url: new URL(links[0]!).pathname });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const { events } = parseCalendar(response.body);
    expect(events.map((event) => event.summary)).toContain("Children's Social Care Cabinet Panel, Hertfordshire County Council");
    expect(events.every((event) => event.summary.endsWith('Hertfordshire County Council'))).toBe(true);
  });
});
