import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  attendees,
  committees,
  councils,
  decisions,
  documents,
  meetingTopics,
  meetings,
  type Origin,
  sectionTopics,
  sections,
  topics,
} from '../db/schema/index.js';
import { ImportError } from './errors.js';
import { preferredName, slugify } from './names.js';
import { meetingSchema, type Block, type Meeting } from './schema.js';
import { partTexts, stampParts, type PublicationStamps } from './publication.js';
import { blocksToText } from './text.js';
import type { MeetingTagger, Tag } from './topics/service.js';

export type ImportAction = 'created' | 'updated' | 'unchanged';

export interface ImportOutcome {
  id: number;
  action: ImportAction;
  council: string;
  committee: string;
  startsAt: string;
  title: string;
  sections: number;
  topics: string[];
}

/** Validates a record against the canonical format, naming every field that is wrong. */
export function validateMeeting(raw: unknown): Meeting {
  const parsed = meetingSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  throw new ImportError(
    `The meeting is not in the canonical format: ${issues
      .slice(0, 5)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
    issues,
  );
}

export function defaultTitle(meeting: Pick<Meeting, 'committee' | 'startsAt'>): string {
  const day = new Date(meeting.startsAt).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  });
  return `${meeting.committee}, ${day}`;
}

/** Which writer is storing, and the council site's id for the meeting when a harvest is. */
export interface StoreOptions {
  origin?: Origin;
  harvestKey?: string;
  /** When the writer read the meeting: what its parts' publication stamps say. Default: now. */
  now?: Date;
}

/** The position a harvested agenda item is stored at: after every section of an imported page. */
const harvestPositions = 1000;

/**
 * Stores one meeting in one transaction: the council and committee it names
 * (created on first sight), the meeting, its sections, attendees, documents,
 * decisions and topics. Re-storing the same meeting (same committee and
 * start, same council page URL, or for a harvest the same id on the
 * council's site) replaces what this writer wrote before; it never
 * duplicates, and identical content writes nothing.
 *
 * Two writers share a meeting, each replacing only its own part (the
 * `origin` of each row): an imported record or page owns the title, summary,
 * footnotes, video and transcript and its discussion sections; a harvest of
 * the council's site owns the status, the agenda items with their decisions
 * and minutes, and the documents and attendees (an import's are kept only
 * until a harvest brings some). Takes a validated meeting: importRecords
 * (meetings/import.ts) and the harvest (harvest/run.ts) are the ways in.
 */
export async function importMeeting(
  db: Db,
  meeting: Meeting,
  tagger: MeetingTagger,
  /** Topic ids by slug; the caller has checked the meeting names only these (assertKnownTopics). */
  knownTopics: Map<string, number>,
  options: StoreOptions = {},
): Promise<ImportOutcome> {
  const origin = options.origin ?? 'import';
  const harvested = origin === 'harvest';
  const title = meeting.title ?? defaultTitle(meeting);
  const contentHash = createHash('sha256')
    .update(JSON.stringify(harvested ? [options.harvestKey, meeting] : meeting))
    .digest('hex');

  return db.transaction(async (tx) => {
    const council = await resolveCouncil(tx, meeting.council);
    const committee = await resolveCommittee(tx, council.id, meeting.committee);
    // Two stores of one new meeting at once would both miss the lookup below and insert twice.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`meeting:${committee.id}:${new Date(meeting.startsAt).toISOString()}`}))`,
    );
    const existing = await findExisting(tx, committee.id, meeting, options.harvestKey);
    const outcome = {
      council: council.name,
      committee: committee.name,
      startsAt: new Date(meeting.startsAt).toISOString(),
      title: existing && harvested && existing.contentHash ? existing.title : title,
      sections: meeting.sections.length,
    };
    if (existing && (harvested ? existing.harvestHash : existing.contentHash) === contentHash) {
      const stored = await tx
        .select({ slug: topics.slug })
        .from(meetingTopics)
        .innerJoin(topics, eq(topics.id, meetingTopics.topicId))
        .where(eq(meetingTopics.meetingId, existing.id));
      return { id: existing.id, action: 'unchanged', ...outcome, topics: stored.map((row) => row.slug) };
    }

    const startsAt = new Date(meeting.startsAt);
    const stamps = stampParts(
      existing ? partTexts(await storedPart(tx, existing, origin), origin) : {},
      partTexts(meeting, origin),
      existing ? stampsOf(existing) : unstamped,
      options.now ?? new Date(),
    );
    const written = { origin, contentHash, harvestKey: options.harvestKey, startsAt, committeeId: committee.id, stamps };
    const meetingId = existing
      ? await updateMeeting(tx, existing, { ...meeting, title }, written)
      : await insertMeeting(tx, { ...meeting, title }, { ...written, councilId: council.id });

    // Children are replaced whole, each writer its own: a re-store is the new truth about its part.
    const others = harvested ? 'import' : 'harvest';
    const manualTopics = harvested ? await manualMeetingTopics(tx, existing?.id, knownTopics) : meeting.topics;
    await tx.delete(sections).where(and(eq(sections.meetingId, meetingId), eq(sections.origin, origin)));
    await tx.delete(decisions).where(and(eq(decisions.meetingId, meetingId), eq(decisions.origin, origin)));
    await tx.delete(meetingTopics).where(eq(meetingTopics.meetingId, meetingId));
    // The council's site wins for who attended and which papers there are: they come with links and attendance.
    const [harvestedPeople, harvestedPapers] = harvested
      ? [meeting.attendees.length > 0, meeting.documents.length > 0]
      : await Promise.all([hasRows(tx, attendees, meetingId), hasRows(tx, documents, meetingId)]);
    await tx
      .delete(attendees)
      .where(and(eq(attendees.meetingId, meetingId), harvested && harvestedPeople ? undefined : eq(attendees.origin, origin)));
    await tx
      .delete(documents)
      .where(and(eq(documents.meetingId, meetingId), harvested && harvestedPapers ? undefined : eq(documents.origin, origin)));

    const offset = harvested ? harvestPositions : 0;
    const sectionIds = meeting.sections.length
      ? (
          await tx
            .insert(sections)
            .values(
              meeting.sections.map((section, position) => ({
                meetingId,
                position: offset + position,
                level: section.level,
                heading: section.heading,
                number: section.number ?? null,
                issueId: section.issue ?? null,
                publicSpeaking: section.publicSpeaking ?? null,
                blocks: section.blocks,
                agenda: section.agenda,
                body: sectionBody(section),
                origin,
              })),
            )
            .returning({ id: sections.id, position: sections.position })
        )
          .sort((a, b) => a.position - b.position)
          .map((row) => row.id)
      : [];

    if (meeting.attendees.length && (harvested || !harvestedPeople)) {
      await tx.insert(attendees).values(
        meeting.attendees.map((person, position) => ({ meetingId, position: offset + position, origin, ...person })),
      );
    }
    const sectionByHeading = new Map(meeting.sections.map((section, index) => [section.heading, sectionIds[index]!]));
    if (meeting.documents.length && (harvested || !harvestedPapers)) {
      await tx.insert(documents).values(
        meeting.documents.map(({ section, ...document }, position) => ({
          meetingId,
          position: offset + position,
          origin,
          ...document,
          sectionId: section ? (sectionByHeading.get(section) ?? null) : null,
        })),
      );
    }
    if (meeting.decisions.length) {
      await tx.insert(decisions).values(
        meeting.decisions.map((decision, position) => ({
          meetingId,
          position: offset + position,
          sectionId: decision.section ? (sectionByHeading.get(decision.section) ?? null) : null,
          reference: decision.reference,
          decidedBy: decision.decidedBy,
          decidedOn: decision.decidedOn,
          status: decision.status,
          title: decision.title,
          text: decision.text,
          origin,
        })),
      );
    }

    // The meeting's topics come from both parts; each section's from its own text.
    const other = await tx
      .select({ heading: sections.heading, level: sections.level, blocks: sections.blocks, agenda: sections.agenda })
      .from(sections)
      .where(and(eq(sections.meetingId, meetingId), eq(sections.origin, others)))
      .orderBy(asc(sections.position));
    const summary = harvested ? ((await tx.select({ summary: meetings.summary }).from(meetings).where(eq(meetings.id, meetingId)))[0]?.summary ?? '') : meeting.summary;
    // Titles are short: a section is tagged on its decisions too.
    const own = meeting.sections.map((section) => withDecisions(section, meeting.decisions));
    const combined = harvested ? [...other.map(asSection), ...own] : [...own, ...other.map(asSection)];
    const tags = tagger({ summary, sections: combined });
    const ownTags = harvested ? tags.sections.slice(other.length) : tags.sections.slice(0, meeting.sections.length);

    const meetingTags = tagRows(manualTopics, tags.meeting, knownTopics);
    if (meetingTags.length) {
      await tx.insert(meetingTopics).values(meetingTags.map((tag) => ({ meetingId, ...tag })));
    }
    const sectionTags = meeting.sections.flatMap((section, index) =>
      tagRows(section.topics, ownTags[index] ?? [], knownTopics).map((tag) => ({
        sectionId: sectionIds[index]!,
        ...tag,
      })),
    );
    if (sectionTags.length) await tx.insert(sectionTopics).values(sectionTags);

    const topicSlugs = meetingTags.map((tag) => slugOf(knownTopics, tag.topicId));
    return { id: meetingId, action: existing ? 'updated' : 'created', ...outcome, topics: topicSlugs };
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function assertKnownTopics(meeting: Meeting, knownTopics: Map<string, number>) {
  const unknown = [
    ...(meeting.topics ?? []),
    ...meeting.sections.flatMap((section) => section.topics ?? []),
  ].filter((slug) => !knownTopics.has(slug));
  if (unknown.length > 0) {
    throw new ImportError(
      `Unknown topics: ${[...new Set(unknown)].join(', ')}. Valid topics: ${[...knownTopics.keys()].join(', ')}`,
      [{ path: 'topics', message: 'unknown topic' }],
    );
  }
}

export async function topicIdsBySlug(db: Db | Tx): Promise<Map<string, number>> {
  const rows = await db.select({ id: topics.id, slug: topics.slug }).from(topics).orderBy(topics.slug);
  return new Map(rows.map((row) => [row.slug, row.id]));
}

function slugOf(known: Map<string, number>, id: number): string {
  for (const [slug, topicId] of known) if (topicId === id) return slug;
  return String(id);
}

/** Topics given in the record are kept as they are (manual); otherwise the tagger's stand. */
function tagRows(manual: string[] | undefined, tagged: Tag[], known: Map<string, number>) {
  if (manual) {
    return [...new Set(manual)].map((slug) => ({ topicId: known.get(slug)!, score: 0, source: 'manual' as const }));
  }
  return tagged
    .filter((tag) => known.has(tag.slug))
    .map((tag) => ({ topicId: known.get(tag.slug)!, score: tag.score, source: 'rule' as const }));
}

/** A council by its name or one of its aliases, created on first sight. */
/** The council a name means: its slug, its name or one of its other names, in any case. */
const councilNamed = (name: string) =>
  sql`${councils.slug} = ${slugify(name)} or lower(${councils.name}) = lower(${name})
    or exists (select 1 from unnest(${councils.aliases}) alias where lower(alias) = lower(${name}))`;

export async function resolveCouncil(db: Db | Tx, name: string) {
  const slug = slugify(name);
  const [known] = await db.select().from(councils).where(councilNamed(name)).limit(1);
  if (known) return known;
  const [created] = await db
    .insert(councils)
    .values({ slug, name })
    .onConflictDoUpdate({ target: councils.slug, set: { slug } })
    .returning();
  return created!;
}

async function resolveCommittee(tx: Tx, councilId: number, name: string) {
  const slug = slugify(name);
  const [known] = await tx
    .select()
    .from(committees)
    .where(and(eq(committees.councilId, councilId), eq(committees.slug, slug)));
  if (known) {
    const better = preferredName(known.name, name);
    if (better !== known.name) {
      await tx.update(committees).set({ name: better }).where(eq(committees.id, known.id));
    }
    return { ...known, name: better };
  }
  const [created] = await tx
    .insert(committees)
    .values({ councilId, slug, name })
    .onConflictDoUpdate({ target: [committees.councilId, committees.slug], set: { slug } })
    .returning();
  return created!;
}

type Existing = NonNullable<Awaited<ReturnType<typeof findExisting>>>;

async function findExisting(tx: Db | Tx, committeeId: number | undefined, meeting: Meeting, harvestKey: string | undefined) {
  const columns = {
    id: meetings.id,
    title: meetings.title,
    contentHash: meetings.contentHash,
    harvestHash: meetings.harvestHash,
    councilUrl: meetings.councilUrl,
    startsAt: meetings.startsAt,
    endsAt: meetings.endsAt,
    location: meetings.location,
    status: meetings.status,
    sequence: meetings.sequence,
    summary: meetings.summary,
    agendaPublishedAt: meetings.agendaPublishedAt,
    agendaChangedAt: meetings.agendaChangedAt,
    minutesPublishedAt: meetings.minutesPublishedAt,
    minutesChangedAt: meetings.minutesChangedAt,
    summaryPublishedAt: meetings.summaryPublishedAt,
    summaryChangedAt: meetings.summaryChangedAt,
  };
  // The council site's own id first: a meeting it moves to another day is still the same meeting.
  if (harvestKey) {
    const [byKey] = await tx.select(columns).from(meetings).where(eq(meetings.harvestKey, harvestKey));
    if (byKey) return byKey;
  }
  if (meeting.sources.council) {
    const [byUrl] = await tx.select(columns).from(meetings).where(eq(meetings.councilUrl, meeting.sources.council));
    if (byUrl) return byUrl;
  }
  if (committeeId === undefined) return undefined;
  const [bySlot] = await tx
    .select(columns)
    .from(meetings)
    .where(and(eq(meetings.committeeId, committeeId), eq(meetings.startsAt, new Date(meeting.startsAt))));
  return bySlot;
}

/**
 * What an import of this meeting would replace, writing nothing: the
 * section headings and the number of decisions an import stored for the
 * same meeting before (found as importMeeting finds it), or undefined for a
 * meeting not stored yet.
 */
export async function storedImportOf(db: Db, meeting: Meeting): Promise<{ headings: string[]; decisions: number } | undefined> {
  const [council] = await db.select({ id: councils.id }).from(councils).where(councilNamed(meeting.council)).limit(1);
  const [committee] = council
    ? await db.select({ id: committees.id }).from(committees).where(and(eq(committees.councilId, council.id), eq(committees.slug, slugify(meeting.committee))))
    : [];
  const existing = await findExisting(db, committee?.id, meeting, undefined);
  if (!existing) return undefined;
  const stored = await storedPart(db, existing, 'import');
  return { headings: stored.sections.map((section) => section.heading), decisions: stored.decisions.length };
}

interface Written {
  origin: Origin;
  contentHash: string;
  harvestKey: string | undefined;
  startsAt: Date;
  committeeId: number;
  stamps: PublicationStamps;
}

const unstamped: PublicationStamps = {
  agenda: { publishedAt: null, changedAt: null },
  minutes: { publishedAt: null, changedAt: null },
  summary: { publishedAt: null, changedAt: null },
};

function stampsOf(row: Existing): PublicationStamps {
  return {
    agenda: { publishedAt: row.agendaPublishedAt, changedAt: row.agendaChangedAt },
    minutes: { publishedAt: row.minutesPublishedAt, changedAt: row.minutesChangedAt },
    summary: { publishedAt: row.summaryPublishedAt, changedAt: row.summaryChangedAt },
  };
}

function stampColumns(stamps: PublicationStamps) {
  return {
    agendaPublishedAt: stamps.agenda.publishedAt,
    agendaChangedAt: stamps.agenda.changedAt,
    minutesPublishedAt: stamps.minutes.publishedAt,
    minutesChangedAt: stamps.minutes.changedAt,
    summaryPublishedAt: stamps.summary.publishedAt,
    summaryChangedAt: stamps.summary.changedAt,
  };
}

/** What this writer stored of a meeting before: its sections, its decisions, and (an import's) the summary. */
async function storedPart(tx: Db | Tx, existing: Existing, origin: Origin) {
  const [own, decided] = await Promise.all([
    tx.select({ heading: sections.heading, blocks: sections.blocks, agenda: sections.agenda }).from(sections).where(and(eq(sections.meetingId, existing.id), eq(sections.origin, origin))).orderBy(asc(sections.position)),
    tx.select({ text: decisions.text }).from(decisions).where(and(eq(decisions.meetingId, existing.id), eq(decisions.origin, origin))).orderBy(asc(decisions.position)),
  ]);
  return { summary: existing.summary, sections: own, decisions: decided };
}

async function insertMeeting(tx: Tx, meeting: Meeting & { title: string }, written: Written & { councilId: number }): Promise<number> {
  const harvested = written.origin === 'harvest';
  const [row] = await tx
    .insert(meetings)
    .values({
      councilId: written.councilId,
      committeeId: written.committeeId,
      title: meeting.title,
      kind: meeting.kind,
      status: meeting.status,
      startsAt: written.startsAt,
      endsAt: meeting.endsAt ? new Date(meeting.endsAt) : null,
      location: meeting.location ?? null,
      councilUrl: meeting.sources.council ?? null,
      videoUrl: meeting.sources.video ?? null,
      transcriptUrl: meeting.sources.transcript ?? null,
      summary: meeting.summary,
      footnotes: meeting.footnotes,
      contentHash: harvested ? '' : written.contentHash,
      harvestKey: written.harvestKey ?? null,
      harvestHash: harvested ? written.contentHash : null,
      ...stampColumns(written.stamps),
    })
    .returning({ id: meetings.id });
  return row!.id;
}

/** Sets the columns this writer owns on a stored meeting, leaving the other writer's alone. */
async function updateMeeting(tx: Tx, existing: Existing, meeting: Meeting & { title: string }, written: Written): Promise<number> {
  const updatedAt = new Date();
  if (written.origin === 'harvest') {
    // The site may move a meeting to another day or time; it moves unless another meeting already has that slot.
    const moved = existing.startsAt.getTime() !== written.startsAt.getTime();
    const slotTaken =
      moved &&
      (await tx
        .select({ id: meetings.id })
        .from(meetings)
        .where(and(eq(meetings.committeeId, written.committeeId), eq(meetings.startsAt, written.startsAt)))
        .limit(1)).length > 0;
    const when = { status: meeting.status, startsAt: moved && !slotTaken ? written.startsAt : existing.startsAt, ...endAndPlace(existing, meeting) };
    await tx
      .update(meetings)
      .set({
        ...when,
        sequence: nextSequence(existing, when),
        harvestKey: written.harvestKey ?? null,
        harvestHash: written.contentHash,
        councilUrl: existing.councilUrl ?? meeting.sources.council ?? null,
        // A page's own title is better than "<committee>, <date>".
        ...(existing.contentHash ? {} : { title: meeting.title }),
        ...stampColumns(written.stamps),
        updatedAt,
      })
      .where(eq(meetings.id, existing.id));
    return existing.id;
  }
  // The council's site knows best whether a meeting was held, is to come, or was cancelled.
  const when = { status: existing.harvestHash ? existing.status : meeting.status, startsAt: written.startsAt, ...endAndPlace(existing, meeting) };
  await tx
    .update(meetings)
    .set({
      title: meeting.title,
      kind: meeting.kind,
      ...when,
      sequence: nextSequence(existing, when),
      councilUrl: meeting.sources.council ?? (existing.harvestHash ? existing.councilUrl : null),
      videoUrl: meeting.sources.video ?? null,
      transcriptUrl: meeting.sources.transcript ?? null,
      summary: meeting.summary,
      footnotes: meeting.footnotes,
      contentHash: written.contentHash,
      ...stampColumns(written.stamps),
      updatedAt,
    })
    .where(eq(meetings.id, existing.id));
  return existing.id;
}

/** The finish and the place a store leaves: what this record says, else what was stored (a writer that does not know keeps them). */
function endAndPlace(existing: Existing, meeting: Meeting) {
  return {
    endsAt: meeting.endsAt ? new Date(meeting.endsAt) : existing.endsAt,
    location: meeting.location ?? existing.location,
  };
}

/** SEQUENCE rises only for what a calendar shows as the event itself: when, where, and whether it happens. */
function nextSequence(existing: Existing, next: { status: Existing['status']; startsAt: Date; endsAt: Date | null; location: string | null }): number {
  const changed =
    existing.status !== next.status ||
    existing.startsAt.getTime() !== next.startsAt.getTime() ||
    (existing.endsAt?.getTime() ?? null) !== (next.endsAt?.getTime() ?? null) ||
    existing.location !== next.location;
  return changed ? existing.sequence + 1 : existing.sequence;
}

async function hasRows(tx: Tx, table: typeof attendees | typeof documents, meetingId: number): Promise<boolean> {
  const rows = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.meetingId, meetingId), eq(table.origin, 'harvest')))
    .limit(1);
  return rows.length > 0;
}

/** Topics a stored record named for the meeting itself: a harvest keeps them rather than tagging over them. */
async function manualMeetingTopics(tx: Tx, meetingId: number | undefined, known: Map<string, number>): Promise<string[] | undefined> {
  if (meetingId === undefined) return undefined;
  const rows = await tx
    .select({ topicId: meetingTopics.topicId })
    .from(meetingTopics)
    .where(and(eq(meetingTopics.meetingId, meetingId), eq(meetingTopics.source, 'manual')));
  return rows.length ? rows.map((row) => slugOf(known, row.topicId)) : undefined;
}

/** What search reads of a section: what was said and decided, then the agenda's own text for it. */
function sectionBody(section: Meeting['sections'][number]): string {
  return [blocksToText(section.blocks), blocksToText(section.agenda)].filter(Boolean).join('\n\n');
}

/**
 * A section with the text of its decisions added, for tagging, unless a
 * decision is the section's own text; and its agenda text, so an item is
 * tagged (and followed) before its minutes are out.
 */
function withDecisions(section: Meeting['sections'][number], decided: Meeting['decisions']): Meeting['sections'][number] {
  const own = blocksToText(section.blocks);
  const extra = decided.filter((decision) => decision.section === section.heading && decision.text !== own);
  const blocks = [...section.blocks, ...extra.map((decision) => ({ type: 'paragraph' as const, text: decision.text })), ...section.agenda];
  return blocks.length === section.blocks.length ? section : { ...section, blocks };
}

function asSection(row: { heading: string; level: number; blocks: Block[]; agenda: Block[] }): Meeting['sections'][number] {
  return { heading: row.heading, level: row.level === 2 ? 2 : 1, blocks: row.blocks, agenda: row.agenda };
}
