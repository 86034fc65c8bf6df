import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createHarvestMetrics } from '../../src/harvest/metrics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createSource, findSource, isFailing, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest, type HarvestDeps } from '../../src/harvest/run.js';
import { findMeetings } from '../../src/meetings/queries.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { htmlErrorPage, recordedAnswers, startModernGovSite, unavailable, xml, type ModernGovSite } from '../helpers/moderngov-site.js';

const window = { from: '2024-12-01', to: '2025-08-31' };
const now = () => new Date('2025-07-01T12:00:00Z');

let database: Database;
let site: ModernGovSite;
let deps: HarvestDeps;

async function harvestOnce(sourceId: number) {
  const { id } = await queueHarvest(database.db, { sourceId, ...window, trigger: 'test' });
  return runHarvest(deps, id);
}

/** Every stored row's identity and version: a write of any kind changes it. */
async function rowVersions() {
  const result = await database.db.execute<{ row: string }>(sql`
    select 'meeting:' || id || ':' || xmin as row from meetings
    union all select 'section:' || id || ':' || xmin from sections
    union all select 'attendee:' || id || ':' || xmin from attendees
    union all select 'document:' || id || ':' || xmin from documents
    union all select 'decision:' || id || ':' || xmin from decisions
    union all select 'meeting_topic:' || meeting_id || '/' || topic_id || ':' || xmin from meeting_topics
    union all select 'section_topic:' || section_id || '/' || topic_id || ':' || xmin from section_topics
    order by 1`);
  return result.rows.map((row) => row.row);
}

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite();
  deps = {
    db: database.db,
    logger: createLogger({ level: 'silent' }),
    userAgent: 'council-digest/0.1 (+https://digest.example.org)',
    now,
    policy: { pauseMs: 0, backoffMs: 5, retries: 2, timeoutMs: 5_000 },
  };
});
afterAll(() => site.close());

describe('a harvest of a ModernGov site', () => {
  let sourceId: number;
  let first: Awaited<ReturnType<typeof runHarvest>>;

  beforeAll(async () => {
    sourceId = (await createSource(database.db, { council: 'Hertfordshire County Council', kind: 'moderngov', url: site.url })).id;
    first = await harvestOnce(sourceId);
  });

  it('stores each meeting in the window and skips those outside it unfetched', async () => {
    expect(first).toMatchObject({ status: 'finished', total: 5, done: 5, created: 5, updated: 0, unchanged: 0, skipped: 2 });
    const fetched = site.requests.filter((request) => request.key.startsWith('GetMeeting:')).map((request) => request.key);
    expect(fetched).not.toContain('GetMeeting:801');
    expect(fetched).not.toContain('GetMeeting:1999');
    expect(first.errors).toEqual([]);
  });

  it('asks for the window as dd/mm/yyyy and names itself in the User-Agent', () => {
    const list = site.requests.find((request) => request.key === 'GetMeetings:160')!;
    expect(list.query).toMatchObject({ sFromDate: '01/12/2024', sToDate: '31/08/2025' });
    expect(new Set(site.requests.map((request) => request.userAgent))).toEqual(new Set(['council-digest/0.1 (+https://digest.example.org)']));
  });

  it('never has more than two requests in flight to the site', () => {
    expect(site.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('skips deleted and expired committees', () => {
    expect(site.requests.map((request) => request.key)).not.toContain('GetMeetings:180');
    expect(site.requests.map((request) => request.key)).not.toContain('GetMeetings:190');
  });

  it('reads local times as Europe/London in summer and in winter', async () => {
    const rows = await database.db.execute<{ starts_at: string; harvest_key: string }>(
      sql`select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as starts_at, harvest_key from meetings order by starts_at`,
    );
    const byKey = Object.fromEntries(rows.rows.map((row) => [row.harvest_key.split(':')[1], row.starts_at]));
    expect(byKey['1001']).toBe('2025-06-17T13:00'); // 14:00 BST
    expect(byKey['1002']).toBe('2025-01-14T10:00'); // 10:00 GMT
    expect(byKey['1003']).toBe('2025-07-15T17:30'); // 18:30 BST
  });

  it('decodes titles escaped twice', async () => {
    const { meetings } = await findMeetings(database.db, { from: new Date('2025-06-01'), to: new Date('2025-06-30') }, { limit: 10 });
    const panel = meetings.find((meeting) => meeting.committee.slug === 'childrens-social-care-cabinet-panel')!;
    expect(panel.committee.name).toBe("Children's Social Care Cabinet Panel");
    const budget = await database.db.execute<{ heading: string }>(sql`select heading from sections where heading like '%budget 2025-26'`);
    expect(budget.rows[0]!.heading).toBe("Children's services budget 2025-26");
  });

  it('turns minutes and decisions into paragraphs and lists with no tags or entities left', async () => {
    const { meetings } = await findMeetings(database.db, { from: new Date('2025-06-17'), to: new Date('2025-06-18') }, { limit: 10 });
    const meeting = meetings[0]!;
    const eet = meeting.sections.find((section) => section.heading.startsWith('Education, Employment'))!;
    expect(eet.blocks).toEqual([
      { type: 'paragraph', text: expect.stringContaining('down from 57.5% in November 2024 – a dip') },
      { type: 'paragraph', text: 'Members asked for:' },
      { type: 'list', items: ['figures broken down by district;', 'an update on bus passes before the next review.'] },
    ]);
    expect(meeting.decisions.map((decision) => decision.text)).toContain('The panel noted the report and asked for an update in six months.');
    expect(meeting.decisions.find((decision) => decision.section === 'Hertfordshire Youth Justice Plan 2025-26')!.text).toContain('at a cost of £1.2m a year.');
    const text = await database.db.execute<{ text: string }>(sql`
      select heading || ' ' || body as text from sections union all select text from decisions
      union all select title from documents union all select name || coalesce(role, '') from attendees`);
    for (const { text: stored } of text.rows) {
      expect(stored).not.toMatch(/<\/?[a-z][^>]*>/i);
      expect(stored).not.toMatch(/&(#\d+|#x[0-9a-f]+|[a-z]+);/i);
    }
  });

  it('stores nothing of exempt items: not the title, the text or the papers', async () => {
    const found = await database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from (
        select heading as t from sections union all select body from sections union all select text from decisions
        union all select coalesce(title, '') from decisions union all select url from documents union all select title from documents) texts
      where t ilike '%placement%contract%' or t ilike '%bidder%' or t ilike '%Exempt%'`);
    expect(found.rows[0]!.n).toBe(0);
  });

  it('takes item 0 as a heading, not an agenda item', async () => {
    const headings = await database.db.execute<{ heading: string }>(sql`select heading from sections where heading like 'Part I%'`);
    expect(headings.rows).toEqual([]);
  });

  it('keeps each public paper once, under the item it belongs to, and never a restricted one', async () => {
    const docs = await database.db.execute<{ title: string; url: string; heading: string | null }>(sql`
      select d.title, d.url, s.heading from documents d join meetings m on m.id = d.meeting_id left join sections s on s.id = d.section_id
      where m.harvest_key like '%:1001' order by d.position`);
    expect(docs.rows).toEqual([
      { title: 'Minutes 8 April 2025', url: 'https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID=61001', heading: 'Minutes' },
      { title: 'Care leavers EET report', url: 'https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID=61002', heading: 'Education, Employment and Training Outcomes for Care Leavers' },
      { title: 'Youth Justice Plan 2025-26', url: 'https://democracy.hertfordshire.gov.uk/mgConvert2PDF.aspx?ID=61004', heading: 'Hertfordshire Youth Justice Plan 2025-26' },
    ]);
    // Appendix B was restricted on the paper while its item was public: not stored, not linked.
    const exempt = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from documents where url like '%ID=61003' or title ilike '%case studies%'`);
    expect(exempt.rows[0]!.n).toBe(0);
  });

  it("keeps the council's own item numbers and each item's agenda text", async () => {
    const rows = await database.db.execute<{ number: string | null; heading: string; agenda: unknown }>(sql`
      select s.number, s.heading, s.agenda from sections s join meetings m on m.id = s.meeting_id where m.harvest_key like '%:1002' order by s.position`);
    expect(rows.rows.map((row) => [row.number, row.heading])).toEqual([
      ['4.', 'Foster carer recruitment and retention'],
      ['5.', "Children's services budget 2025-26"],
    ]);
    expect(rows.rows[0]!.agenda).toEqual([{ type: 'paragraph', text: 'A report on how many foster carers the council recruited in 2024, how many left, and the plan to find more.' }]);
  });

  it('keeps a minute wrapped mid-sentence in the Word HTML as one paragraph', async () => {
    const minutes = await database.db.execute<{ blocks: unknown }>(sql`
      select s.blocks from sections s join meetings m on m.id = s.meeting_id where m.harvest_key like '%:1001' and s.heading = 'Minutes'`);
    expect(minutes.rows[0]!.blocks).toEqual([
      { type: 'paragraph', text: 'The panel agreed the minutes of its meeting held on 8 April 2025 as a correct record, and the Chairman signed them.' },
    ]);
  });

  it('takes as attendees only those who were at a held meeting, never the expected members of a cancelled or coming one', async () => {
    const people = await database.db.execute<{ name: string; role: string | null; party: string | null }>(sql`
      select a.name, a.role, a.party from attendees a join meetings m on m.id = a.meeting_id where m.harvest_key like '%:1001' order by a.position`);
    expect(people.rows.map((person) => person.name)).toEqual([
      'Councillor Anthony Rowlands',
      'Councillor Dee Hart',
      'Councillor Kirstie Taylor-Moran',
      'El Mayhew',
    ]);
    expect(people.rows[1]).toEqual({ name: 'Councillor Dee Hart', role: 'Committee Member', party: 'Conservative' });
    const cabinet = await database.db.execute<{ name: string }>(sql`
      select a.name from attendees a join meetings m on m.id = a.meeting_id where m.harvest_key like '%:2001'`);
    expect(cabinet.rows).toEqual([{ name: 'Councillor Steve Hobbs' }]);
    const expected = await database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from attendees a join meetings m on m.id = a.meeting_id
      where split_part(m.harvest_key, ':', 2) in ('1002', '1003', '1004')`);
    expect(expected.rows[0]!.n).toBe(0);
  });

  it('reports what it read: items, and no warnings for answers in the shape sites send', () => {
    expect(first).toMatchObject({ items: 10, warningCount: 0, warnings: [] });
  });

  it('maps free-text statuses: cancelled, else scheduled before its date, else held', async () => {
    const rows = await database.db.execute<{ key: string; status: string }>(
      sql`select split_part(harvest_key, ':', 2) as key, status from meetings order by 1`,
    );
    expect(Object.fromEntries(rows.rows.map((row) => [row.key, row.status]))).toEqual({
      '1001': 'held',
      '1002': 'held',
      '1003': 'scheduled',
      '1004': 'cancelled',
      '2001': 'held',
    });
  });

  it('tags harvested items by the topic rules, reading the minutes and decisions as well as titles', async () => {
    const tags = await database.db.execute<{ heading: string; slug: string }>(sql`
      select s.heading, t.slug from section_topics st join sections s on s.id = st.section_id join topics t on t.id = st.topic_id`);
    const of = (prefix: string) => tags.rows.filter((row) => row.heading.startsWith(prefix)).map((row) => row.slug);
    expect(of('Education, Employment')).toContain('care-leavers');
    expect(of('Hertfordshire Youth Justice')).toContain('youth-justice');
    expect(of('Local government reorganisation')).toContain('local-government-reorganisation');
  });

  it('writes nothing when the site has not changed', async () => {
    const before = await rowVersions();
    const again = await harvestOnce(sourceId);
    expect(again).toMatchObject({ status: 'finished', created: 0, updated: 0, unchanged: 5 });
    expect(await rowVersions()).toEqual(before);
    const count = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from meetings`);
    expect(count.rows[0]!.n).toBe(5);
  });

  it('updates a meeting whose minutes appear later, and only that one', async () => {
    site.route(
      'GetMeeting:1002',
      xml(
        (await import('node:fs'))
          .readFileSync(new URL('../fixtures/moderngov/meeting-1002.xml', import.meta.url), 'utf8')
          .replace('<minutesnonemptyhtmlbody>\n      </minutesnonemptyhtmlbody>', '<minutesnonemptyhtmlbody>&lt;p&gt;Forty new foster carers were approved this year.&lt;/p&gt;</minutesnonemptyhtmlbody>'),
      ),
    );
    const later = await harvestOnce(sourceId);
    expect(later).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const body = await database.db.execute<{ body: string }>(sql`select body from sections where heading = 'Foster carer recruitment and retention'`);
    expect(body.rows[0]!.body).toBe('Forty new foster carers were approved this year.\n\nA report on how many foster carers the council recruited in 2024, how many left, and the plan to find more.');
  });
});

describe('a harvest of a site that misbehaves', () => {
  it('retries a 503 and carries on', async () => {
    const flaky = await startModernGovSite();
    try {
      flaky.route('GetMeetings:170', [unavailable, unavailable, (await import('../helpers/moderngov-site.js')).recordedAnswers().get('GetMeetings:170') as never]);
      const source = await createSource(database.db, { council: 'Flaky Borough Council', kind: 'moderngov', url: flaky.url });
      const harvest = await harvestOnce(source.id);
      expect(harvest).toMatchObject({ status: 'finished', created: 5, errors: [] });
      expect(flaky.requests.filter((request) => request.key === 'GetMeetings:170')).toHaveLength(3);
    } finally {
      await flaky.close();
    }
  });

  it('records a meeting it cannot read as an error and still stores the rest', async () => {
    const broken = await startModernGovSite();
    try {
      broken.route('GetMeeting:1003', htmlErrorPage);
      broken.route('GetMeeting:1004', xml('<meeting><meetingid>1004</meeting>'));
      broken.route('GetMeetings:170', unavailable);
      const source = await createSource(database.db, { council: 'Broken District Council', kind: 'moderngov', url: broken.url });
      const harvest = await harvestOnce(source.id);
      expect(harvest.status).toBe('finished');
      expect(harvest.created).toBe(2);
      expect(harvest.errors).toEqual(
        expect.arrayContaining([
          { meeting: '1003', message: expect.stringContaining('HTML page') },
          { meeting: '1004', message: expect.stringContaining('not well-formed XML') },
          { meeting: 'committee 170 (Cabinet)', message: expect.stringContaining('503') },
        ]),
      );
    } finally {
      await broken.close();
    }
  });

  it('fails when nothing can be read, and flags the source after three nights, logged at warn', async () => {
    const down = await startModernGovSite();
    down.route('GetCommittees', unavailable);
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    try {
      const source = await createSource(database.db, { council: 'Down Borough Council', kind: 'moderngov', url: down.url });
      for (let night = 1; night <= 3; night += 1) {
        const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'schedule' });
        const harvest = await runHarvest({ ...deps, logger }, id);
        expect(harvest.status).toBe('failed');
        expect(harvest.errors[0]!.message).toMatch(/^The site cannot be read: the site answered 503/);
      }
      expect(await findSource(database.db, source.id)).toMatchObject({ consecutiveFailures: 3, lastSuccessAt: null });
      expect(lines.filter((line) => line.level === 40 && /failed 3 harvests in a row/.test(line.msg))).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});

describe('harvests of other councils\' sites as they answer', () => {
  it('reads a *.moderngov.co.uk site: numbers, whole minutes, decisions as lists, papers under their items, nothing restricted', async () => {
    const hosted = await startModernGovSite({ answers: recordedAnswers('hosted') });
    try {
      const source = await createSource(database.db, { council: 'Hertsmere Borough Council', kind: 'moderngov', url: hosted.url });
      const harvest = await harvestOnce(source.id);
      expect(harvest).toMatchObject({ status: 'finished', created: 2, items: 5, warningCount: 0, errors: [] });
      const { meetings } = await findMeetings(database.db, { from: new Date('2025-06-18'), to: new Date('2025-06-19'), councils: [source.councilSlug] }, { limit: 5 });
      const cabinet = meetings[0]!;
      expect(cabinet.sections.map((section) => [section.number, section.heading])).toEqual([
        ['1.', 'Apologies for absence'],
        ['5.', 'Local Cycling and Walking Infrastructure Plan'],
        ['6.', 'Exclusion of the press and public'],
      ]);
      const lcwip = cabinet.sections[1]!;
      expect(lcwip.blocks[0]).toEqual({
        type: 'paragraph',
        text: 'The Portfolio Holder for Environment introduced the report. The Local Cycling and Walking Infrastructure Plan sets out 14 priority routes over ten years.',
      });
      expect(cabinet.decisions[0]!.text).toBe(
        'RESOLVED –\n\n- that the Local Cycling and Walking Infrastructure Plan be adopted;\n- that £1.8 million from the Community Infrastructure Levy be allocated to the first three routes; and\n- that the Head of Planning report progress to Cabinet each year.',
      );
      expect(cabinet.documents.map((doc) => [doc.title, doc.section])).toEqual([
        ['LCWIP Cabinet report June 2025', 'Local Cycling and Walking Infrastructure Plan'],
        ['Appendix 1 - LCWIP route maps', 'Local Cycling and Walking Infrastructure Plan'],
      ]);
      expect(JSON.stringify(cabinet)).not.toMatch(/land valuations|Potters Bar|ID=33503|ID=33504/);
      expect(cabinet.attendees.map((person) => person.name)).toEqual(['Councillor Priya Lane', 'Councillor Tom Fairweather']);
      expect(cabinet.committee.name).toBe('Cabinet');
    } finally {
      await hosted.close();
    }
  });

  it('reads a site with sparse answers: no flags, no numbers shown, no attendees, links kept as given', async () => {
    const sparse = await startModernGovSite({ answers: recordedAnswers('sparse') });
    try {
      const source = await createSource(database.db, { council: 'Three Rivers District Council', kind: 'moderngov', url: sparse.url });
      const harvest = await harvestOnce(source.id);
      expect(harvest).toMatchObject({ status: 'finished', created: 2, items: 2, warningCount: 0 });
      const { meetings } = await findMeetings(database.db, { from: new Date('2025-06-09'), to: new Date('2025-06-10'), councils: [source.councilSlug] }, { limit: 5 });
      const [meeting] = meetings;
      expect(meeting!.startsAt).toBe('2025-06-09T18:30:00.000Z');
      expect(meeting!.sections.map((section) => [section.number, section.heading])).toEqual([
        [null, 'Leisure centres contract extension'],
        [null, 'Medium Term Financial Plan'],
      ]);
      expect(meeting!.sections[0]!.blocks).toEqual([
        { type: 'paragraph', text: 'The committee heard that the leisure operator had asked for a two-year extension, saving the council £240,000 against a new tender.' },
        { type: 'paragraph', text: 'RESOLVED: to extend the contract to March 2028.' },
      ]);
      expect(meeting!.documents).toEqual([
        { title: 'Leisure contract report', category: 'Additional Documents', url: 'http://moderngov.threerivers.gov.uk/documents/s7701/Leisure%20contract%20report.pdf', section: 'Leisure centres contract extension' },
      ]);
      expect(await findSource(database.db, source.id)).toMatchObject({ healthNote: null });
    } finally {
      await sparse.close();
    }
  });
});

describe('a harvest that reads something it does not expect', () => {
  let warned: Awaited<ReturnType<typeof runHarvest>>;
  const lines: { level: number; msg: string; meeting?: string; kind?: string }[] = [];
  const registry = new Registry();
  const metrics = createHarvestMetrics(registry);

  beforeAll(async () => {
    const odd = await startModernGovSite({ answers: recordedAnswers('warnings') });
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    try {
      const source = await createSource(database.db, { council: 'Welwyn Hatfield Borough Council', kind: 'moderngov', url: odd.url });
      const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
      warned = await runHarvest({ ...deps, logger, metrics }, id);
    } finally {
      await odd.close();
    }
  });

  it('warns, with the meeting, for each thing the site says it published and the reader did not find', () => {
    expect(warned.status).toBe('finished');
    expect(warned.warnings).toEqual(
      expect.arrayContaining([
        { kind: 'unknown-element', meeting: '3001', message: '<meeting> holds <agenda>, an element the reader does not know' },
        { kind: 'no-items', meeting: '3001', message: 'the site says the agenda is published, but no agenda item was read' },
        { kind: 'no-minutes', meeting: '3002', message: 'the site says the minutes are published, but no minute text was read' },
        { kind: 'no-decision', meeting: '3003', message: expect.stringContaining('item 1. ("Taxi and private hire licensing policy") is a published decision, but no decision text was read') },
      ]),
    );
  });

  it('warns of dates and times it cannot read, and stores nothing at a made-up time', async () => {
    expect(warned.warnings).toEqual(
      expect.arrayContaining([
        { kind: 'bad-time', meeting: '3004', message: 'meeting 3004: the meeting time "25.00 pm" is not a time we can read: not stored' },
        { kind: 'bad-date', meeting: '3005', message: expect.stringContaining('has the date "31/02/2025", which is no day we can read') },
        { kind: 'bad-date', meeting: '3006', message: expect.stringContaining('has the date "TBC"') },
      ]),
    );
    expect(warned.warningCount).toBe(7);
    const stored = await database.db.execute<{ key: string }>(sql`select split_part(harvest_key, ':', 2) as key from meetings where harvest_key like ${`${warned.sourceId}:%`} order by 1`);
    expect(stored.rows.map((row) => row.key)).toEqual(['3001', '3002', '3003']);
  });

  it('counts warnings in /metrics by source and kind', async () => {
    const text = await registry.metrics();
    expect(text).toContain('harvest_warnings_total{source="welwyn-hatfield-borough-council",kind="bad-date"} 2');
    expect(text).toContain('harvest_warnings_total{source="welwyn-hatfield-borough-council",kind="no-items"} 1');
  });

  it('logs each warning at warn level with its meeting', () => {
    const warnings = lines.filter((line) => line.level === 40 && line.msg.startsWith('harvest warning'));
    expect(warnings).toHaveLength(7);
    expect(warnings.find((line) => line.kind === 'no-items')).toMatchObject({ meeting: '3001' });
  });

  it('marks a source failing, saying why in words, when it reads meetings and not one agenda item', async () => {
    const changed = await startModernGovSite({ answers: recordedAnswers('warnings') });
    try {
      // Every meeting answers in a shape the reader does not know.
      const only3001 = (await import('node:fs')).readFileSync(new URL('../fixtures/moderngov/warnings/meetings-300.xml', import.meta.url), 'utf8');
      changed.route('GetMeetings:300', xml(only3001.replace(/<meeting>\s*<meetingid>300[2-6][\s\S]*?<\/meeting>/g, '')));
      const source = await createSource(database.db, { council: 'North Hertfordshire District Council', kind: 'moderngov', url: changed.url });
      const harvest = await harvestOnce(source.id);
      expect(harvest).toMatchObject({ status: 'finished', items: 0, created: 1 });
      expect(await findSource(database.db, source.id)).toMatchObject({
        healthNote: "read 1 meeting and no agenda items: the site's answers may have changed shape",
        consecutiveFailures: 0,
      });
      expect(isFailing((await findSource(database.db, source.id))!)).toBe(true);
      // The site answers as it should again: the note goes.
      changed.route('GetMeeting:3001', xml((await import('node:fs')).readFileSync(new URL('../fixtures/moderngov/warnings/meeting-3001.xml', import.meta.url), 'utf8').replace('<agenda>', '<agendaitems>').replace('</agenda>', '</agendaitems>')));
      await harvestOnce(source.id);
      expect(await findSource(database.db, source.id)).toMatchObject({ healthNote: null });
    } finally {
      await changed.close();
    }
  });
});
