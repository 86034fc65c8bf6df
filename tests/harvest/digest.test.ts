import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { digestEmail, renderDigest, type MailSettings } from '../../src/digests/email.js';
import { buildDigest } from '../../src/digests/select.js';
import { createSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest } from '../../src/harvest/run.js';
import { loadCatalogue } from '../../src/meetings/catalogue.js';
import { createLogger } from '../../src/logger.js';
import type { Templates } from '../../src/mail/templates.js';
import { normaliseFilters } from '../../src/subscribers/filters.js';
import { createTestDatabase } from '../helpers/db.js';
import { recordedAnswers, startModernGovSite, xml, type ModernGovSite, type SiteRoute } from '../helpers/moderngov-site.js';
import { testTemplates } from '../helpers/templates.js';

const settings: MailSettings = { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@news.example.org>', tokenSecret: 's'.repeat(40) };
const recipient = { email: 'anna@example.org', publicId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', tokenVersion: 1 };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/moderngov/${name}`, import.meta.url), 'utf8');

let database: Database;
let templates: Templates;

async function harvest(answers: Map<string, SiteRoute> | undefined, council: string, route?: (site: ModernGovSite) => void) {
  const site = await startModernGovSite(answers ? { answers } : {});
  try {
    route?.(site);
    const source = await createSource(database.db, { council, kind: 'moderngov', url: site.url });
    const { id } = await queueHarvest(database.db, { sourceId: source.id, from: '2024-12-01', to: '2025-08-31', trigger: 'test' });
    await runHarvest({ db: database.db, logger: createLogger({ level: 'silent' }), userAgent: 'test', now: () => new Date('2025-07-01T12:00:00Z'), policy: { pauseMs: 0 } }, id);
  } finally {
    await site.close();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  templates = await testTemplates();
  await harvest(undefined, 'Hertfordshire County Council', (site) => {
    // A second Cabinet meeting, still to come when harvested.
    site.route(
      'GetMeetings:170',
      xml(fixture('meetings-170.xml').replace('</committeemeetings>', '  <meeting>\n        <meetingid>2002</meetingid>\n        <meetingdate>08/07/2025</meetingdate>\n        <meetingstatus>Confirmed</meetingstatus>\n        <meetingtime>6.30 pm</meetingtime>\n      </meeting>\n    </committeemeetings>')),
    );
    site.route('GetMeeting:2002', xml(fixture('meeting-1003.xml').replace(/1003/g, '2002').replace(/15\/07\/2025/g, '08/07/2025')));
  });
  await harvest(recordedAnswers('hosted'), 'Hertsmere Borough Council');
  await harvest(recordedAnswers('sparse'), 'Three Rivers District Council');
});

async function digestFor(week: string, filters = {}) {
  const catalogue = await loadCatalogue(database.db);
  const content = await buildDigest(database.db, { week, zone: 'Europe/London', filters: normaliseFilters(filters), catalogue });
  return { content, rendered: content && renderDigest(templates, digestEmail(settings, content, recipient)) };
}

describe('digests of harvested meetings', () => {
  it('show a meeting with only its agenda as "agenda published; minutes to follow", with its items and their agenda text', async () => {
    const { content, rendered } = await digestFor('2025-01-13');
    const [meeting] = content!.meetings;
    expect(meeting).toMatchObject({ agendaOnly: true, nothingYet: false });
    expect(meeting!.sections.map((section) => [section.number, section.heading, section.blocks[0]!.text])).toEqual([
      ['4.', 'Foster carer recruitment and retention', 'A report on how many foster carers the council recruited in 2024, how many left, and the plan to find more.'],
      ['5.', "Children's services budget 2025-26", "The panel is asked to scrutinise the proposed children's services budget for 2025-26 before Cabinet sets it."],
    ]);
    expect(rendered!.text).toContain('Agenda published; minutes to follow.');
    expect(rendered!.text).toContain('4. Foster carer recruitment and retention\n-----------------------------------------\n');
    expect(rendered!.html).toContain('Agenda published; minutes to follow');
    expect(rendered!.html).toContain('Children&#x27;s services budget 2025-26');
    expect(rendered!.html).toContain('href="https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID&#x3D;60901"');
  });

  it('name only the agenda items that match a topic filter', async () => {
    const { content } = await digestFor('2025-01-13', { topics: ['fostering-adoption'] });
    expect(content!.meetings[0]!.sections.map((section) => section.heading)).toEqual(['Foster carer recruitment and retention']);
  });

  it("show each item with the council's number, its minutes or decision as whole paragraphs, and its public papers under it", async () => {
    const { content, rendered } = await digestFor('2025-06-16', { councils: ['hertfordshire-county-council'] });
    const panel = content!.meetings.find((meeting) => meeting.committee === "Children's Social Care Cabinet Panel")!;
    expect(panel.agendaOnly).toBe(false);
    expect(panel.sections.map((section) => [section.number, section.heading, section.papers.map((paper) => paper.title)])).toEqual([
      ['1.', 'Minutes', ['Minutes 8 April 2025']],
      ['2.', 'Education, Employment and Training Outcomes for Care Leavers', ['Care leavers EET report']],
      ['3.', 'Hertfordshire Youth Justice Plan 2025-26', ['Youth Justice Plan 2025-26']],
    ]);
    expect(panel.decisions.map((decision) => decision.text)).toEqual(['The panel noted the report and asked for an update in six months.']);
    // The plan was decided with no minutes yet: its resolution is the section's text, said once.
    expect(panel.sections[2]!.blocks[1]!.items!.map((item) => item.text)).toContain('That Cabinet recommend the plan to Council, at a cost of £1.2m a year.');
    expect(rendered!.text).toContain('  - That Cabinet recommend the plan to Council, at a cost of £1.2m a year.');
    expect(rendered!.text).toContain('Papers:\n  - Care leavers EET report: https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID=61002');
    expect(rendered!.html).not.toContain('case studies');
    expect(rendered!.html).not.toMatch(/ID(=|&#x3D;)61003/);
  });

  it('quote key figures from decisions as well as minutes, whole sentences, and keep a resolution a list in both parts', async () => {
    const { content, rendered } = await digestFor('2025-06-16', { councils: ['hertsmere-borough-council'] });
    const [cabinet] = content!.meetings;
    expect(cabinet!.figures).toEqual([
      { value: '£1.8 million', kind: 'money', context: 'that £1.8 million from the Community Infrastructure Levy be allocated to the first three routes; and' },
      { value: '14', kind: 'count', context: 'The Local Cycling and Walking Infrastructure Plan sets out 14 priority routes over ten years.' },
    ]);
    const html = rendered!.html;
    expect(html).not.toMatch(/RESOLVED –\s*-/);
    expect(html).toMatch(/RESOLVED –<\/span><ul[^>]*><li[^>]*>that the Local Cycling and Walking Infrastructure Plan be adopted;<\/li>/);
    expect(rendered!.text).toContain('  RESOLVED –\n    - that the Local Cycling and Walking Infrastructure Plan be adopted;\n    - that £1.8 million');
    expect(html).not.toMatch(/land valuations|Potters Bar/);
  });

  it('say a meeting that has published nothing yet in words, not as an empty card', async () => {
    const { content, rendered } = await digestFor('2025-06-30', { councils: ['three-rivers-district-council'] });
    const [meeting] = content!.meetings;
    expect(meeting).toMatchObject({ nothingYet: true, sections: [] });
    expect(rendered!.text).toContain('Nothing published yet');
  });

  it('put scheduled meetings under "coming up", with their agenda items', async () => {
    const { content } = await digestFor('2025-06-23', { councils: ['hertfordshire-county-council'] });
    expect(content!.meetings.map((meeting) => meeting.committee)).toEqual(['Cabinet']);
    expect(content!.comingUp).toEqual([expect.objectContaining({ committee: 'Cabinet', date: expect.stringContaining('8 July'), items: [expect.objectContaining({ heading: 'Ofsted focused visit: children in care' }), expect.objectContaining({ heading: 'Care leavers local offer' })] })]);
  });
});
