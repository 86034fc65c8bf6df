import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { renderAtom } from '../../../src/http/partners/atom.js';
import { atomMeetings } from '../../../src/feeds/items.js';
import { seedCouncils } from '../../../src/meetings/seed.js';
import { importMeeting, topicIdsBySlug, validateMeeting } from '../../../src/meetings/store.js';
import { loadTagger } from '../../../src/meetings/topics/service.js';
import { normaliseFilters } from '../../../src/subscribers/filters.js';
import { createTestDatabase } from '../../helpers/db.js';

/** An Atom entry grows with its meeting: minutes and decisions arriving give it a new <updated>; a typo fixed does not. */

let database: Database;
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });
const filters = normaliseFilters({ committees: ['atom-late-panel'] });
const now = new Date('2026-03-02T12:00:00Z');
const startsAt = '2026-02-05T10:00:00Z';
const minute = 'The panel agreed to resurface three play areas this spring, at a cost of £120,000.';

async function harvest(at: string, sections: object[], decisions: object[] = []) {
  const meeting = validateMeeting({ council: 'Test Town Council', committee: 'Atom Late Panel', startsAt, status: 'held', sections, decisions });
  await importMeeting(database.db, meeting, await loadTagger(database.db), await topicIdsBySlug(database.db), { origin: 'harvest', harvestKey: 'atom-1', now: new Date(at) });
}

async function entry() {
  const atom = renderAtom({
    feed: { publicId: 'f1', name: 'Play areas', partnerName: 'Parents Forum', createdAt: new Date('2026-01-01T00:00:00Z') },
    entries: await atomMeetings(database.db, filters, now),
    baseUrl: 'https://digest.example.org',
    selfUrl: 'https://digest.example.org/feeds/f1.atom',
    zone: 'Europe/London',
  });
  return parser.parse(atom).feed.entry[0] as { updated: string; content: { '#text': string } };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
});

describe("a meeting's Atom entry", () => {
  it('is updated when its minutes and decisions arrive, carrying them, and not for a typo fixed later', async () => {
    await harvest('2026-02-03T05:00:00Z', [{ heading: 'Play areas' }]);
    expect((await entry()).updated).toBe('2026-02-03T05:00:00.000Z');

    await harvest('2026-02-11T05:00:00Z', [{ heading: 'Play areas', blocks: [{ type: 'paragraph', text: minute }] }], [
      { title: 'Play areas', text: 'Resurface three play areas.', section: 'Play areas' },
    ]);
    const withMinutes = await entry();
    expect(withMinutes.updated).toBe('2026-02-11T05:00:00.000Z');
    expect(withMinutes.content['#text']).toContain(minute);
    expect(withMinutes.content['#text']).toContain('<h3>Decisions</h3><ul><li><strong>Play areas</strong>: Resurface three play areas.</li></ul>');

    await harvest('2026-02-18T05:00:00Z', [{ heading: 'Play areas', blocks: [{ type: 'paragraph', text: minute.replace('resurface', 'resurfce') }] }], [
      { title: 'Play areas', text: 'Resurface three play areas.', section: 'Play areas' },
    ]);
    expect((await entry()).updated).toBe('2026-02-11T05:00:00.000Z');
  });
});
