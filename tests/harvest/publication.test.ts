import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest } from '../../src/harvest/run.js';
import { importRecords, recordsFromText } from '../../src/meetings/import.js';
import { findMeetings, type MeetingView } from '../../src/meetings/queries.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { importMeeting, topicIdsBySlug, validateMeeting } from '../../src/meetings/store.js';
import { loadTagger } from '../../src/meetings/topics/service.js';
import { createLogger } from '../../src/logger.js';
import { adminHeaders, createTestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, xml, type ModernGovSite } from '../helpers/moderngov-site.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/moderngov/${name}`, import.meta.url), 'utf8');
const withMinutes = (text: string) =>
  fixture('meeting-1002.xml').replace(
    '<agendaitemtitle>Foster carer recruitment and retention</agendaitemtitle>',
    `<agendaitemtitle>Foster carer recruitment and retention</agendaitemtitle><minutesnonemptyhtmlbody>${text}</minutesnonemptyhtmlbody>`,
  );
const minute = '&lt;p&gt;Officers reported that 40 new fostering households were approved in 2024, against a target of 55, and set out the new recruitment campaign.&lt;/p&gt;';

let database: Database;
let site: ModernGovSite;
let sourceId: number;

async function harvestAt(iso: string) {
  const { id } = await queueHarvest(database.db, { sourceId, from: '2025-01-01', to: '2025-01-31', trigger: 'test' });
  return runHarvest({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test', now: () => new Date(iso), policy: { pauseMs: 0 } }, id);
}

async function budgetMeeting(): Promise<MeetingView> {
  const { meetings } = await findMeetings(database.db, { from: new Date('2025-01-14'), to: new Date('2025-01-15') }, { limit: 5 });
  return meetings[0]!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCouncils(database.db);
  site = await startModernGovSite();
  sourceId = (await createSource(database.db, { council: 'Test Town Council', kind: 'moderngov', url: site.url })).id;
});
afterAll(() => site.close());

describe('when the parts of a meeting were published', () => {
  it('stamps the agenda when a harvest first finds it, and nothing else', async () => {
    await harvestAt('2025-01-07T05:00:00Z');
    expect((await budgetMeeting()).published).toEqual({
      agenda: { publishedAt: '2025-01-07T05:00:00.000Z', changedAt: '2025-01-07T05:00:00.000Z' },
      minutes: null,
      summary: null,
    });
  });

  it('stamps the minutes in the week they arrive, keeping the agenda\'s stamp', async () => {
    site.route('GetMeeting:1002', xml(withMinutes(minute)));
    await harvestAt('2025-01-28T05:00:00Z');
    const { published } = await budgetMeeting();
    expect(published.agenda).toEqual({ publishedAt: '2025-01-07T05:00:00.000Z', changedAt: '2025-01-07T05:00:00.000Z' });
    expect(published.minutes).toEqual({ publishedAt: '2025-01-28T05:00:00.000Z', changedAt: '2025-01-28T05:00:00.000Z' });
  });

  it('leaves the stamps alone for a corrected typo, and moves the change for a corrected figure', async () => {
    site.route('GetMeeting:1002', xml(withMinutes(minute.replace('recruitment campaign', 'recruitmnet campaign').replace('against', 'agaisnt'))));
    const typo = await harvestAt('2025-02-04T05:00:00Z');
    expect(typo.updated).toBe(1);
    expect((await budgetMeeting()).published.minutes!.changedAt).toBe('2025-01-28T05:00:00.000Z');

    site.route('GetMeeting:1002', xml(withMinutes(minute.replace('target of 55', 'target of 65'))));
    await harvestAt('2025-02-11T05:00:00Z');
    expect((await budgetMeeting()).published.minutes).toEqual({ publishedAt: '2025-01-28T05:00:00.000Z', changedAt: '2025-02-11T05:00:00.000Z' });
  });

  it('stamps the summary when a page or record is imported, and shows the stamps in the API', async () => {
    const [record] = recordsFromText(
      `Subscribe to updates\nYou'll receive weekly summaries about Test Town Council every week.\nChildren's Social Care Cabinet Panel - Tuesday, 14 January 2025 10.00 am\nJanuary 14, 2025 Summary\nThe panel heard that fewer fostering households were approved than planned, and agreed a recruitment drive.\nFoster carer recruitment and retention\nForty households were approved in 2024 against a target of 65.\n`,
    );
    const meeting = validateMeeting(record);
    await importMeeting(database.db, meeting, await loadTagger(database.db), await topicIdsBySlug(database.db), { now: new Date('2025-02-12T09:30:00Z') });
    const app = await createTestApp(database);
    const response = await app.inject({ method: 'GET', url: '/api/meetings?from=2025-01-14&to=2025-01-14', headers: adminHeaders });
    const [view] = response.json().meetings;
    expect(view.published).toEqual({
      agenda: { publishedAt: '2025-01-07T05:00:00.000Z', changedAt: '2025-01-07T05:00:00.000Z' },
      minutes: { publishedAt: '2025-01-28T05:00:00.000Z', changedAt: '2025-02-11T05:00:00.000Z' },
      summary: { publishedAt: '2025-02-12T09:30:00.000Z', changedAt: '2025-02-12T09:30:00.000Z' },
    });
    // Imported again, unchanged: nothing moves.
    await importRecords(database.db, [record]);
    expect((await budgetMeeting()).published.summary!.changedAt).toBe('2025-02-12T09:30:00.000Z');
  });
});
