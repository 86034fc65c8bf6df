import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { councils, sources } from '../../src/db/schema/index.js';
import { createSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest } from '../../src/harvest/run.js';
import { createLogger } from '../../src/logger.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { createTestApp, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { parseCalendar } from '../helpers/ical.js';
import { startModernGovSite, xml, type ModernGovSite } from '../helpers/moderngov-site.js';
import { addSubscriber } from '../helpers/subscribers.js';

/**
 * A meeting moved on the council's own site reaches calendars through a
 * harvest alone: the recorded ModernGov site is changed, harvested again,
 * and the feeds show the new time under the same UID with a higher SEQUENCE.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/moderngov/${name}`, import.meta.url), 'utf8');
/** The budget panel of 14 January 2025 at 10.00 am (GMT), moved to the 16th at 2.00 pm, finishing at 4.00 pm. */
const moved = (text: string) =>
  text
    .replaceAll('<meetingdate>14/01/2025</meetingdate>', '<meetingdate>16/01/2025</meetingdate>')
    .replace(/(<meetingid>1002<\/meetingid>[\s\S]*?<meetingtime>)10\.00 am(<\/meetingtime>)/, '$12.00 pm$2')
    .replace('<meetingplannedfinishtime>12.00 pm</meetingplannedfinishtime>', '<meetingplannedfinishtime>4.00 pm</meetingplannedfinishtime>');

const now = new Date('2025-01-07T05:00:00Z');
const panel = "Children's Social Care Cabinet Panel";

let database: Database;
let site: ModernGovSite;
let app: FastifyInstance;
let sourceId: number;
let councilSlug: string;

async function harvestAt(iso: string) {
  const { id } = await queueHarvest(database.db, { sourceId, from: '2025-01-01', to: '2025-01-31', trigger: 'test' });
  return runHarvest({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test', now: () => new Date(iso), policy: { pauseMs: 0 } }, id);
}

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const budgetPanel = (body: string) => parseCalendar(body).events.filter((event) => event.summary.startsWith(panel));

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  site = await startModernGovSite();
  sourceId = (await createSource(database.db, { council: 'Test Town Council', kind: 'moderngov', url: site.url })).id;
  const [council] = await database.db.select({ slug: councils.slug }).from(councils).innerJoin(sources, eq(sources.councilId, councils.id)).where(eq(sources.id, sourceId));
  councilSlug = council!.slug;
  app = await createTestApp(database, {}, { now: () => now });
});
afterAll(() => site.close());

describe('a meeting moved on the council\'s site, brought by a harvest', () => {
  it('shows at its new time in the council feed and a subscriber\'s, under the same UID with SEQUENCE risen', async () => {
    const subscriber = await addSubscriber(database.db, { filters: { councils: [councilSlug] } });
    const feeds = [`/calendar/councils/${councilSlug}.ics`, subscriberLinks('', tokenSecret, subscriber, now).calendar()];

    const first = await harvestAt('2025-01-07T05:00:00Z');
    expect(first.created).toBeGreaterThan(0);
    const before = [];
    for (const url of feeds) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      const [event] = budgetPanel(response.body);
      expect(event, url).toMatchObject({ sequence: 0, start: new Date('2025-01-14T10:00:00Z'), end: new Date('2025-01-14T12:00:00Z'), status: 'CONFIRMED' });
      before.push({ uid: event!.uid, etag: response.headers.etag as string });
    }

    // The site now lists the meeting two days later in the afternoon; nothing is imported.
    site.route('GetMeetings:160', xml(moved(fixture('meetings-160.xml'))));
    site.route('GetMeeting:1002', xml(moved(fixture('meeting-1002.xml'))));
    const second = await harvestAt('2025-01-08T05:00:00Z');
    expect(second.updated).toBeGreaterThan(0);

    for (const [index, url] of feeds.entries()) {
      const response = await get(url, { 'if-none-match': before[index]!.etag });
      expect(response.statusCode, url).toBe(200);
      const events = budgetPanel(response.body);
      expect(events, url).toHaveLength(1);
      expect(events[0], url).toMatchObject({ uid: before[index]!.uid, sequence: 1, start: new Date('2025-01-16T14:00:00Z'), end: new Date('2025-01-16T16:00:00Z') });
      expect(response.body).toContain('DTSTART;TZID=Europe/London:20250116T140000');
    }

    // Harvested again unchanged: the feed's bytes, and so its ETag, stay the same, and SEQUENCE with them.
    const settled = (await get(feeds[0]!)).headers.etag as string;
    await harvestAt('2025-01-09T05:00:00Z');
    const again = await get(feeds[0]!, { 'if-none-match': settled });
    expect(again.statusCode).toBe(304);
  });
});
