import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { importRecords } from '../../src/meetings/import.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { adminHeaders, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, runWeek, type DigestHarness } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { bearer, createPartner, requestFeed } from '../feeds/fixtures.js';
import { hostile, readHtml } from './html-tree.js';

/** A meeting in last week whose every free-text field is hostile. */
const meetingStart = new Date(Date.now() - 7 * 86_400_000);
const week = meetingStart.toISOString().slice(0, 10);
const everyHostile = Object.values(hostile);

let database: Database;
let harness: DigestHarness;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  await importRecords(database.db, [
    {
      council: 'Hertfordshire County Council',
      committee: `Panel ${hostile.attribute}`,
      title: `Budget ${hostile.script}`,
      startsAt: meetingStart.toISOString(),
      sources: { council: 'https://www.hertfordshire.gov.uk/meetings/1?a="><script>x</script>' },
      summary: `The panel met. ${hostile.singleQuote}\n\nSecond paragraph ${hostile.closing}`,
      sections: [
        {
          heading: `Fares ${hostile.attribute}`,
          blocks: [
            { type: 'paragraph', text: `Fares capped at £2. ${hostile.script}` },
            { type: 'list', items: [hostile.singleQuote, hostile.closing] },
          ],
        },
      ],
      attendees: [{ name: `Cllr ${hostile.script}`, role: hostile.attribute, party: hostile.singleQuote }],
      documents: [{ title: `Agenda ${hostile.closing}`, category: 'Agenda', url: 'https://example.org/a.pdf?"onload="x' }],
      decisions: [{ text: `Agreed ${hostile.attribute}`, status: 'made' }],
    },
  ]);
  harness = await createDigestHarness(database);
  app = await createDigestApp(database, harness);
});

function expectInert(html: string, label: string) {
  const read = readHtml(html);
  expect(read.dangerous, label).toEqual([]);
  expect(read.handlers, label).toEqual([]);
  return read;
}

describe('the HTML reader these checks use', () => {
  it('finds every hostile string when it is left unescaped', () => {
    const read = readHtml(`<p title='${hostile.singleQuote}'>${Object.values(hostile).join(' ')}</p>`);
    expect(read.dangerous).toEqual(expect.arrayContaining(['script', 'img', 'svg']));
    expect(read.handlers).toEqual(expect.arrayContaining(['img onerror', 'p onmouseover', 'svg onload']));
  });
});

describe('hostile meeting text', () => {
  it('comes out of a digest email as text: no element, attribute or handler it did not ask for', async () => {
    await addSubscriber(database.db, { email: 'reader@example.org' });
    const run = await runWeek(database, harness, week);
    expect(run.status, JSON.stringify(run)).toBe('completed');
    const [mail] = harness.smtp.to('reader@example.org');
    const read = expectInert(String(mail!.parsed.html), 'email HTML');
    expect(read.text).toContain(`Budget ${hostile.script}`);
    expect(read.text).toContain(hostile.closing);
    // Headers are single lines: a hostile subject cannot add a header.
    expect(mail!.parsed.subject).not.toMatch(/[\r\n]/);
    expect(mail!.parsed.text).toContain(`Budget ${hostile.script}`);
  });

  it('comes out of the "view in your browser" page as text', async () => {
    const subscriber = await addSubscriber(database.db, { email: 'viewer@example.org' });
    const monday = (await runWeek(database, harness, week)).week;
    const url = new URL(subscriberLinks('https://digest.example.org', tokenSecret, subscriber).digest(monday));
    const response = await app.inject({ method: 'GET', url: url.pathname });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(expectInert(response.body, 'digest page').text).toContain(`Budget ${hostile.script}`);
  });

  it('comes out of the sign-up page (committee names) as text', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    const read = expectInert(response.body, 'sign-up page');
    expect(read.text + read.attributeValues.join(' ')).toContain(`Panel ${hostile.attribute}`);
  });

  it('comes out of the JSON API unchanged, as data', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/meetings?from=${week}` });
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json().meetings?.[0]?.title ?? response.body).toContain(hostile.script);
  });
});

describe('hostile names and keywords', () => {
  it('are shown as text on the preference page', async () => {
    const subscriber = await addSubscriber(database.db, { email: 'keywords@example.org', filters: { keywords: everyHostile } });
    const url = new URL(subscriberLinks('https://digest.example.org', tokenSecret, subscriber).manage());
    const response = await app.inject({ method: 'GET', url: url.pathname });
    expect(response.statusCode).toBe(200);
    const read = expectInert(response.body, 'preference page');
    const shown = `${read.text} ${read.attributeValues.join(' ')}`;
    for (const value of everyHostile) expect(shown).toContain(value.toLowerCase());
  });

  it("are text in a partner feed's Atom, and its entries' HTML is inert once decoded", async () => {
    const partner = await createPartner(app, `Partner ${hostile.attribute}`);
    const created = await requestFeed(app, partner.key, { name: `Feed ${hostile.script}`, keywords: ['fares'] });
    await app.inject({ method: 'POST', url: `/api/admin/feed-requests/${created.feed.id}/approve`, headers: adminHeaders });
    const atom = await app.inject({ method: 'GET', url: new URL(created.atomUrl).pathname });
    expect(atom.statusCode).toBe(200);
    const { feed } = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(atom.body);
    expect(JSON.stringify(feed.title)).toContain('Feed');
    const entries = [feed.entry].flat();
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      for (const field of [entry.title, entry.content, entry.summary].filter(Boolean)) {
        const decoded = typeof field === 'string' ? field : String(field['#text'] ?? '');
        expectInert(decoded, 'Atom entry HTML');
      }
    }
    const listed = await app.inject({ method: 'GET', url: `/api/partner/feeds/${created.feed.id}`, headers: bearer(partner.key) });
    expect(listed.body).toContain(JSON.stringify(`Feed ${hostile.script}`).slice(1, -1));
  });
});
