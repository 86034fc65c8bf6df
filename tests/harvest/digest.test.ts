import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestEmail, renderDigest, type MailSettings } from '../../src/digests/email.js';
import { buildDigest } from '../../src/digests/select.js';
import { createSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest } from '../../src/harvest/run.js';
import { loadCatalogue } from '../../src/meetings/catalogue.js';
import { createLogger } from '../../src/logger.js';
import { loadTemplates, type Templates } from '../../src/mail/templates.js';
import { normaliseFilters } from '../../src/subscribers/filters.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, xml } from '../helpers/moderngov-site.js';

const settings: MailSettings = { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@news.example.org>', tokenSecret: 's'.repeat(40) };
const recipient = { email: 'anna@example.org', publicId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', tokenVersion: 1 };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/moderngov/${name}`, import.meta.url), 'utf8');

let database: Database;
let templates: Templates;

beforeAll(async () => {
  database = await createTestDatabase();
  templates = await loadTemplates();
  const site = await startModernGovSite();
  try {
    // A second Cabinet meeting, still to come when harvested.
    site.route(
      'GetMeetings:170',
      xml(fixture('meetings-170.xml').replace('</meetings>', '<meeting><meetingid>2002</meetingid><meetingdate>08/07/2025</meetingdate><meetingtime>18:30</meetingtime><meetingstatus>Confirmed</meetingstatus></meeting></meetings>')),
    );
    site.route('GetMeeting:2002', xml(fixture('meeting-1003.xml').replace(/1003/g, '2002').replace('15/07/2025', '08/07/2025').replace(/<committeeid>160/, '<committeeid>170').replace(/Children&amp;amp;#39;s Social Care Cabinet Panel/, 'Cabinet')));
    const source = await createSource(database.db, { council: 'Hertfordshire County Council', kind: 'moderngov', url: site.url });
    const { id } = await queueHarvest(database.db, { sourceId: source.id, from: '2024-12-01', to: '2025-08-31', trigger: 'test' });
    await runHarvest({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test', now: () => new Date('2025-07-01T12:00:00Z'), policy: { pauseMs: 0 } }, id);
  } finally {
    await site.close();
  }
});

async function digestFor(week: string, filters = {}) {
  const catalogue = await loadCatalogue(database.db);
  const content = await buildDigest(database.db, { week, zone: 'Europe/London', filters: normaliseFilters(filters), catalogue });
  return { content, rendered: content && renderDigest(templates, digestEmail(settings, content, recipient)) };
}

describe('digests of harvested meetings', () => {
  it('show a meeting with only its agenda as "agenda published; minutes to follow", not as empty', async () => {
    const { content, rendered } = await digestFor('2025-01-13');
    const [meeting] = content!.meetings;
    expect(meeting).toMatchObject({ agendaOnly: true, agenda: ['Foster carer recruitment and retention', "Children's services budget 2025-26"], sections: [] });
    expect(rendered!.text).toContain('Agenda published; minutes to follow:\n* Foster carer recruitment and retention');
    expect(rendered!.html).toContain('Agenda published; minutes to follow');
    expect(rendered!.html).toContain('Children&#x27;s services budget 2025-26');
  });

  it('name only the agenda items that match a topic filter', async () => {
    const { content } = await digestFor('2025-01-13', { topics: ['fostering-adoption'] });
    expect(content!.meetings[0]!.agenda).toEqual(['Foster carer recruitment and retention']);
  });

  it('show minutes as sections and the decisions, with papers linked from the council page', async () => {
    const { content, rendered } = await digestFor('2025-06-16');
    const panel = content!.meetings.find((meeting) => meeting.committee === "Children's Social Care Cabinet Panel")!;
    expect(panel.agendaOnly).toBe(false);
    expect(panel.sections.map((section) => section.heading)).toEqual([
      'Minutes of the last meeting',
      'Education, Employment and Training Outcomes for Care Leavers',
      'Hertfordshire Youth Justice Plan 2025-26',
    ]);
    expect(panel.decisions.map((decision) => decision.text)).toEqual(['The panel noted the report and asked for an update in six months.']);
    // The plan was decided with no minutes yet: its resolution is the section's text, said once.
    expect(panel.sections[2]!.blocks[1]!.items!.map((item) => item.text)).toContain('That Cabinet recommend the plan to Council, at a cost of £1.2m a year.');
    expect(rendered!.text).toContain('  - That Cabinet recommend the plan to Council, at a cost of £1.2m a year.');
  });

  it('put scheduled meetings under "coming up"', async () => {
    const { content } = await digestFor('2025-06-23');
    expect(content!.meetings.map((meeting) => meeting.committee)).toEqual(['Cabinet']);
    expect(content!.comingUp).toEqual([expect.objectContaining({ committee: 'Cabinet', date: expect.stringContaining('8 July') })]);
  });
});
