import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createSource, findSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest, type HarvestDeps } from '../../src/harvest/run.js';
import { findMeetings } from '../../src/meetings/queries.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { htmlErrorPage, startModernGovSite, unavailable, xml, type ModernGovSite } from '../helpers/moderngov-site.js';

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

  it('keeps each paper once, its link as the site gives it, in the right category', async () => {
    const docs = await database.db.execute<{ title: string; url: string; category: string }>(sql`
      select d.title, d.url, d.category from documents d join meetings m on m.id = d.meeting_id where m.harvest_key like '%:1001' order by d.position`);
    expect(docs.rows.map((doc) => doc.url).filter((url) => url.includes('EET'))).toHaveLength(1);
    expect(docs.rows.every((doc) => doc.url.startsWith('http://'))).toBe(true);
    expect(docs.rows.find((doc) => doc.title.startsWith('Agenda frontsheet'))!.category).toBe('Agenda');
    expect(docs.rows.find((doc) => doc.title.startsWith('Public reports pack'))!.category).toBe('Reports Pack');
    expect(docs.rows.find((doc) => doc.title.startsWith('Printed minutes'))!.category).toBe('Additional Documents');
    expect(docs.rows.find((doc) => doc.title.startsWith('Agenda frontsheet'))!.title).toContain("Children's");
  });

  it('reads attendees from attributes or elements, leaving out apologies', async () => {
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
        (await import('node:fs')).readFileSync(new URL('../fixtures/moderngov/meeting-1002.xml', import.meta.url), 'utf8').replace(
          '<agendaitemtitle>Foster carer recruitment and retention</agendaitemtitle>',
          '<agendaitemtitle>Foster carer recruitment and retention</agendaitemtitle><minutesnonemptyhtmlbody>&lt;p&gt;Forty new foster carers were approved this year.&lt;/p&gt;</minutesnonemptyhtmlbody>',
        ),
      ),
    );
    const later = await harvestOnce(sourceId);
    expect(later).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const body = await database.db.execute<{ body: string }>(sql`select body from sections where heading = 'Foster carer recruitment and retention'`);
    expect(body.rows[0]!.body).toBe('Forty new foster carers were approved this year.');
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
      broken.route('GetMeeting:1004', xml('<getmeeting><meeting><meetingid>1004</meeting></getmeeting>'));
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
