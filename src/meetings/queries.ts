import { asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import {
  attendees,
  committees,
  councils,
  decisions,
  documents,
  meetingTopics,
  meetings,
  sectionTopics,
  sections,
  topics,
} from '../db/schema/index.js';
import type { Block, FootnoteInput } from './schema.js';
import type { Part } from './publication.js';

/**
 * A filter set, as subscribers, partner feeds and the public API give it.
 * Councils and committees narrow; topics and keywords widen each other (a
 * section matches if it has any chosen topic or any keyword); none of either
 * means everything in the chosen councils; no council means all councils.
 */
export interface MeetingFilter {
  from?: Date;
  to?: Date;
  councils?: string[];
  committees?: string[];
  topics?: string[];
  keywords?: string[];
}

export interface MeetingPage {
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Newest first (the Atom feed's order) instead of oldest first. */
  newestFirst?: boolean;
}

export interface MeetingView {
  id: number;
  council: { slug: string; name: string };
  committee: { slug: string; name: string };
  title: string;
  kind: 'meeting' | 'report';
  status: 'scheduled' | 'held' | 'cancelled';
  startsAt: string;
  sources: { council?: string; video?: string; transcript?: string };
  summary: string;
  topics: string[];
  /** True when a topic or keyword filter was given and the meeting itself (title, summary) matched. */
  matched: boolean;
  sections: {
    heading: string;
    /** The item's number as the council shows it ("4."). */
    number: string | null;
    level: number;
    blocks: Block[];
    /** The agenda's own text for the item. */
    agenda: Block[];
    /** The council site's issue id (ModernGov's issueid), when it gives one: what follows (follows/) match on. */
    issueId: string | null;
    topics: string[];
    /** True when a topic or keyword filter was given and this section matched it. */
    matched: boolean;
  }[];
  attendees: { name: string; role: string | null; party: string | null }[];
  /** `section`: the heading of the agenda item the paper belongs to; null for the meeting's own papers. */
  documents: { title: string; category: string; url: string | null; section: string | null }[];
  decisions: {
    reference: string | null;
    decidedBy: string | null;
    decidedOn: string | null;
    status: string;
    title: string | null;
    text: string;
    section: string | null;
  }[];
  footnotes: FootnoteInput[];
  /** When each part (agenda, minutes and decisions, summary) was first published and last changed substantially; null: not yet. */
  published: Record<Part, { publishedAt: string; changedAt: string } | null>;
}

/** Each agenda item's public papers (those with a link), by the heading of the item they sit under. */
export function papersByItem(meeting: Pick<MeetingView, 'documents'>): Map<string, { title: string; url: string }[]> {
  const papers = new Map<string, { title: string; url: string }[]>();
  for (const document of meeting.documents) {
    if (!document.section || !document.url) continue;
    papers.set(document.section, [...(papers.get(document.section) ?? []), { title: document.title, url: document.url }]);
  }
  return papers;
}

function hasWideners(filter: MeetingFilter) {
  return Boolean(filter.topics?.length || filter.keywords?.length);
}

/** Each keyword is its own web-search query; any of them may match. */
function keywordQuery(keywords: string[]): SQL {
  return sql.join(
    keywords.map((keyword) => sql`websearch_to_tsquery('english', ${keyword})`),
    sql` || `,
  );
}

function sectionMatches(filter: MeetingFilter, section: SQL): SQL {
  const clauses: SQL[] = [];
  if (filter.topics?.length) {
    clauses.push(sql`exists (select 1 from ${sectionTopics} st join ${topics} t on t.id = st.topic_id
      where st.section_id = ${section}.id and t.slug in ${filter.topics})`);
  }
  if (filter.keywords?.length) clauses.push(sql`${section}.search @@ (${keywordQuery(filter.keywords)})`);
  return sql.join(clauses, sql` or `);
}

function meetingMatches(filter: MeetingFilter): SQL {
  const clauses: SQL[] = [];
  if (filter.topics?.length) {
    // Meeting-level tags come from the summary too, so a record with no
    // sections (an agenda-only page) can still match.
    clauses.push(sql`exists (select 1 from ${meetingTopics} mt join ${topics} t on t.id = mt.topic_id
      where mt.meeting_id = m.id and t.slug in ${filter.topics})`);
  }
  if (filter.keywords?.length) clauses.push(sql`m.search @@ (${keywordQuery(filter.keywords)})`);
  return sql.join(clauses, sql` or `);
}

function encodeCursor(startsAt: Date, id: number) {
  return Buffer.from(JSON.stringify([startsAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { startsAt: Date; id: number } | undefined {
  try {
    const [startsAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number];
    const date = new Date(startsAt);
    if (Number.isNaN(date.getTime()) || !Number.isSafeInteger(id)) return undefined;
    return { startsAt: date, id };
  } catch {
    return undefined;
  }
}

/**
 * The meetings (and within them, the sections) that a filter set selects,
 * oldest first (or newest first), a page at a time. One query picks the page of ids and the
 * matching section ids; a handful of batched queries fill in the rest, so the
 * cost does not grow with the number of meetings (no N+1).
 */
export async function findMeetings(
  db: Db,
  filter: MeetingFilter,
  page: MeetingPage = {},
): Promise<{ meetings: MeetingView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
  const rows = await selectMeetings(db, filter, page, limit + 1, true);
  const widened = hasWideners(filter);
  const pageRows = rows.slice(0, limit);
  const views = await loadMeetingViews(
    db,
    pageRows.map((row) => Number(row.id)),
  );
  const byId = new Map(views.map((view) => [view.id, view]));
  const ordered = pageRows.map((row) => {
    const view = byId.get(Number(row.id))!;
    if (widened) {
      const matched = new Set(row.matched_sections.map(Number));
      view.matched = row.meeting_match;
      view.sections.forEach((section, index) => {
        section.matched = matched.has(view.sectionIds[index]!);
      });
    }
    const { sectionIds: _ids, ...rest } = view;
    return rest;
  });
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor(new Date(last.starts_at), Number(last.id)) : null;
  return { meetings: ordered, nextCursor };
}

/**
 * The ids of every meeting a filter set selects, oldest first, by the rule
 * findMeetings pages through, in one query and without the meetings
 * themselves: for readers that load less of each (calendar feeds). It asks
 * only whether a section matches, not which.
 */
export async function findMeetingIds(db: Db, filter: MeetingFilter): Promise<number[]> {
  return (await selectMeetings(db, filter, {}, null, false)).map((row) => Number(row.id));
}

/**
 * The one selection query: `sectionIds` false asks whether any section
 * matches rather than which, and no limit takes all. The range, councils and
 * committees narrow first, materialised, so a topic or keyword match runs
 * only on the meetings they leave (left to itself, the planner matched every
 * meeting in the range, then dropped those of other councils).
 */
async function selectMeetings(db: Db, filter: MeetingFilter, page: MeetingPage, limit: number | null, sectionIds: boolean) {
  const where: SQL[] = [sql`true`];
  if (filter.from) where.push(sql`m.starts_at >= ${filter.from.toISOString()}`);
  if (filter.to) where.push(sql`m.starts_at < ${filter.to.toISOString()}`);
  if (filter.councils?.length) where.push(sql`c.slug in ${filter.councils}`);
  // A committee is named by its slug (that committee of any chosen council) or as council/committee.
  if (filter.committees?.length) where.push(sql`(cm.slug in ${filter.committees} or (c.slug || '/' || cm.slug) in ${filter.committees})`);
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const newest = page.newestFirst === true;
  if (after) where.push(newest ? sql`(m.starts_at, m.id) < (${after.startsAt.toISOString()}, ${after.id})` : sql`(m.starts_at, m.id) > (${after.startsAt.toISOString()}, ${after.id})`);

  const widened = hasWideners(filter);
  const matchedSections = !widened
    ? sql`'{}'::bigint[]`
    : sectionIds
      ? sql`coalesce((select array_agg(s.id) from ${sections} s where s.meeting_id = m.id and (${sectionMatches(filter, sql`s`)})), '{}')`
      : sql`case when exists (select 1 from ${sections} s where s.meeting_id = m.id and (${sectionMatches(filter, sql`s`)})) then '{0}'::bigint[] else '{}'::bigint[] end`;
  const meetingMatch = widened ? meetingMatches(filter) : sql`false`;
  const rows = await db.execute<{ id: string; starts_at: string; matched_sections: string[]; meeting_match: boolean }>(sql`
    with narrowed as materialized (
      select m.id
      from ${meetings} m
      join ${councils} c on c.id = m.council_id
      join ${committees} cm on cm.id = m.committee_id
      where ${sql.join(where, sql` and `)}
    )
    select * from (
      select m.id, m.starts_at, ${matchedSections} as matched_sections, (${meetingMatch}) as meeting_match
      from narrowed join ${meetings} m on m.id = narrowed.id
    ) candidates
    where ${widened ? sql`cardinality(matched_sections) > 0 or meeting_match` : sql`true`}
    order by ${newest ? sql`starts_at desc, id desc` : sql`starts_at, id`}
    ${limit === null ? sql`` : sql`limit ${limit}`}`);
  return rows.rows;
}

type LoadedView = MeetingView & { sectionIds: number[] };

function stampView(publishedAt: Date | null, changedAt: Date | null) {
  return publishedAt ? { publishedAt: publishedAt.toISOString(), changedAt: (changedAt ?? publishedAt).toISOString() } : null;
}

/** What an event or an alert is headed with: the names, the times, the place and the council's page. */
export interface MeetingHead {
  id: number;
  title: string;
  council: string;
  councilWebsite: string | null;
  committee: string;
  status: 'scheduled' | 'held' | 'cancelled';
  startsAt: Date;
  endsAt: Date | null;
  location: string | null;
  /** The council's own page for the meeting. */
  councilUrl: string | null;
  /** Rises when the start, finish, place or status changes: a calendar event's SEQUENCE. */
  sequence: number;
  updatedAt: Date;
}

/** These meetings' heads, by id: one query, the ids as one array parameter (a calendar may hold hundreds). */
export async function meetingHeads(db: Db, ids: readonly number[]): Promise<Map<number, MeetingHead>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: meetings.id,
      title: meetings.title,
      council: councils.name,
      councilWebsite: councils.website,
      committee: committees.name,
      status: meetings.status,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      location: meetings.location,
      councilUrl: meetings.councilUrl,
      sequence: meetings.sequence,
      updatedAt: meetings.updatedAt,
    })
    .from(meetings)
    .innerJoin(councils, eq(councils.id, meetings.councilId))
    .innerJoin(committees, eq(committees.id, meetings.committeeId))
    .where(sql`${meetings.id} = any(${pgArray([...ids], 'bigint')})`);
  return new Map(rows.map((row) => [row.id, row]));
}

/** Full meetings by id, children fetched in one query per table. */
export async function loadMeetingViews(db: Db, ids: number[]): Promise<LoadedView[]> {
  if (ids.length === 0) return [];
  const [heads, sectionRows, sectionTagRows, meetingTagRows, people, docs, decided] = await Promise.all([
    db
      .select({
        meeting: meetings,
        councilSlug: councils.slug,
        councilName: councils.name,
        committeeSlug: committees.slug,
        committeeName: committees.name,
      })
      .from(meetings)
      .innerJoin(councils, eq(councils.id, meetings.councilId))
      .innerJoin(committees, eq(committees.id, meetings.committeeId))
      .where(inArray(meetings.id, ids)),
    db.select().from(sections).where(inArray(sections.meetingId, ids)).orderBy(asc(sections.position)),
    db
      .select({ sectionId: sectionTopics.sectionId, slug: topics.slug, meetingId: sections.meetingId })
      .from(sectionTopics)
      .innerJoin(topics, eq(topics.id, sectionTopics.topicId))
      .innerJoin(sections, eq(sections.id, sectionTopics.sectionId))
      .where(inArray(sections.meetingId, ids))
      .orderBy(desc(sectionTopics.score), asc(topics.slug)),
    db
      .select({ meetingId: meetingTopics.meetingId, slug: topics.slug })
      .from(meetingTopics)
      .innerJoin(topics, eq(topics.id, meetingTopics.topicId))
      .where(inArray(meetingTopics.meetingId, ids))
      .orderBy(desc(meetingTopics.score), asc(topics.slug)),
    db.select().from(attendees).where(inArray(attendees.meetingId, ids)).orderBy(asc(attendees.position)),
    db.select().from(documents).where(inArray(documents.meetingId, ids)).orderBy(asc(documents.position)),
    db.select().from(decisions).where(inArray(decisions.meetingId, ids)).orderBy(asc(decisions.position)),
  ]);
  const group = <T extends { meetingId: number }>(items: T[]) => {
    const map = new Map<number, T[]>();
    for (const item of items) map.set(item.meetingId, [...(map.get(item.meetingId) ?? []), item]);
    return map;
  };
  const sectionsBy = group(sectionRows);
  const sectionTags = new Map<number, string[]>();
  for (const tag of sectionTagRows) sectionTags.set(tag.sectionId, [...(sectionTags.get(tag.sectionId) ?? []), tag.slug]);
  const meetingTags = group(meetingTagRows);
  const peopleBy = group(people);
  const docsBy = group(docs);
  const decisionsBy = group(decided);

  return heads.map(({ meeting, ...names }) => {
    const own = sectionsBy.get(meeting.id) ?? [];
    const headingById = new Map(own.map((section) => [section.id, section.heading]));
    return {
      id: meeting.id,
      council: { slug: names.councilSlug, name: names.councilName },
      committee: { slug: names.committeeSlug, name: names.committeeName },
      title: meeting.title,
      kind: meeting.kind,
      status: meeting.status,
      startsAt: meeting.startsAt.toISOString(),
      sources: {
        ...(httpUrl(meeting.councilUrl) ? { council: httpUrl(meeting.councilUrl)! } : {}),
        ...(httpUrl(meeting.videoUrl) ? { video: httpUrl(meeting.videoUrl)! } : {}),
        ...(httpUrl(meeting.transcriptUrl) ? { transcript: httpUrl(meeting.transcriptUrl)! } : {}),
      },
      summary: meeting.summary,
      topics: (meetingTags.get(meeting.id) ?? []).map((tag) => tag.slug),
      matched: false,
      sectionIds: own.map((section) => section.id),
      sections: own.map((section) => ({
        heading: section.heading,
        number: section.number,
        level: section.level,
        blocks: section.blocks,
        agenda: section.agenda,
        issueId: section.issueId,
        topics: sectionTags.get(section.id) ?? [],
        matched: false,
      })),
      attendees: (peopleBy.get(meeting.id) ?? []).map(({ name, role, party }) => ({ name, role, party })),
      documents: (docsBy.get(meeting.id) ?? []).map(({ title, category, url, sectionId }) => ({
        title,
        category,
        url: httpUrl(url),
        section: sectionId ? (headingById.get(sectionId) ?? null) : null,
      })),
      decisions: (decisionsBy.get(meeting.id) ?? []).map((decision) => ({
        reference: decision.reference,
        decidedBy: decision.decidedBy,
        decidedOn: decision.decidedOn,
        status: decision.status,
        title: decision.title,
        text: decision.text,
        section: decision.sectionId ? (headingById.get(decision.sectionId) ?? null) : null,
      })),
      published: {
        agenda: stampView(meeting.agendaPublishedAt, meeting.agendaChangedAt),
        minutes: stampView(meeting.minutesPublishedAt, meeting.minutesChangedAt),
        summary: stampView(meeting.summaryPublishedAt, meeting.summaryChangedAt),
      },
      footnotes: meeting.footnotes,
    };
  });
}

/**
 * A stored link as readers get it: only one that parses as http(s), in the
 * URL parser's own spelling, which percent-encodes quotes and angle
 * brackets. The import schema checks the scheme but keeps the text as
 * given, so "https://x/\"><script>" was stored and served as it came: pages
 * escape it, an API consumer may not.
 */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
}
