import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
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
import { ImportError } from './errors.js';
import { preferredName, slugify } from './names.js';
import { meetingSchema, type Meeting } from './schema.js';
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

/**
 * Stores one meeting in one transaction: the council and committee it names
 * (created on first sight), the meeting, its sections, attendees, documents,
 * decisions and topics. Re-importing the same meeting (same committee and
 * start, or same council page URL) replaces its content; it never duplicates.
 * Takes a validated meeting: importRecords (meetings/import.ts) is the way in.
 */
export async function importMeeting(
  db: Db,
  meeting: Meeting,
  tagger: MeetingTagger,
  /** Topic ids by slug; the caller has checked the meeting names only these (assertKnownTopics). */
  knownTopics: Map<string, number>,
): Promise<ImportOutcome> {  const title = meeting.title ?? defaultTitle(meeting);
  const contentHash = createHash('sha256').update(JSON.stringify(meeting)).digest('hex');
  const tags = tagger(meeting);

  return db.transaction(async (tx) => {
    const council = await resolveCouncil(tx, meeting.council);
    const committee = await resolveCommittee(tx, council.id, meeting.committee);
    // Two imports of one new meeting at once would both miss the lookup below and insert twice.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`meeting:${committee.id}:${meeting.startsAt}`}))`,
    );
    const existing = await findExisting(tx, committee.id, meeting);
    const outcome = {
      council: council.name,
      committee: committee.name,
      startsAt: new Date(meeting.startsAt).toISOString(),
      title,
      sections: meeting.sections.length,
    };
    if (existing && existing.contentHash === contentHash) {
      const stored = await tx
        .select({ slug: topics.slug })
        .from(meetingTopics)
        .innerJoin(topics, eq(topics.id, meetingTopics.topicId))
        .where(eq(meetingTopics.meetingId, existing.id));
      return { id: existing.id, action: 'unchanged', ...outcome, topics: stored.map((row) => row.slug) };
    }

    const values = {
      councilId: council.id,
      committeeId: committee.id,
      title,
      kind: meeting.kind,
      status: meeting.status,
      startsAt: new Date(meeting.startsAt),
      councilUrl: meeting.sources.council ?? null,
      videoUrl: meeting.sources.video ?? null,
      transcriptUrl: meeting.sources.transcript ?? null,
      summary: meeting.summary,
      footnotes: meeting.footnotes,
      contentHash,
      updatedAt: new Date(),
    };
    let meetingId: number;
    if (existing) {
      meetingId = existing.id;
      await tx.update(meetings).set(values).where(eq(meetings.id, meetingId));
      // Children are replaced whole: a re-import is the new truth about the meeting.
      await tx.delete(sections).where(eq(sections.meetingId, meetingId));
      await tx.delete(attendees).where(eq(attendees.meetingId, meetingId));
      await tx.delete(documents).where(eq(documents.meetingId, meetingId));
      await tx.delete(decisions).where(eq(decisions.meetingId, meetingId));
      await tx.delete(meetingTopics).where(eq(meetingTopics.meetingId, meetingId));
    } else {
      const [row] = await tx.insert(meetings).values(values).returning({ id: meetings.id });
      meetingId = row!.id;
    }

    const sectionIds = meeting.sections.length
      ? (
          await tx
            .insert(sections)
            .values(
              meeting.sections.map((section, position) => ({
                meetingId,
                position,
                level: section.level,
                heading: section.heading,
                blocks: section.blocks,
                body: blocksToText(section.blocks),
              })),
            )
            .returning({ id: sections.id, position: sections.position })
        )
          .sort((a, b) => a.position - b.position)
          .map((row) => row.id)
      : [];

    if (meeting.attendees.length) {
      await tx.insert(attendees).values(
        meeting.attendees.map((person, position) => ({ meetingId, position, ...person })),
      );
    }
    if (meeting.documents.length) {
      await tx.insert(documents).values(
        meeting.documents.map((document, position) => ({ meetingId, position, ...document })),
      );
    }
    if (meeting.decisions.length) {
      const sectionByHeading = new Map(
        meeting.sections.map((section, index) => [section.heading, sectionIds[index]!]),
      );
      await tx.insert(decisions).values(
        meeting.decisions.map((decision, position) => ({
          meetingId,
          position,
          sectionId: decision.section ? (sectionByHeading.get(decision.section) ?? null) : null,
          reference: decision.reference,
          decidedBy: decision.decidedBy,
          decidedOn: decision.decidedOn,
          status: decision.status,
          title: decision.title,
          text: decision.text,
        })),
      );
    }

    const meetingTags = tagRows(meeting.topics, tags.meeting, knownTopics);
    if (meetingTags.length) {
      await tx.insert(meetingTopics).values(meetingTags.map((tag) => ({ meetingId, ...tag })));
    }
    const sectionTags = meeting.sections.flatMap((section, index) =>
      tagRows(section.topics, tags.sections[index] ?? [], knownTopics).map((tag) => ({
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
export async function resolveCouncil(db: Db | Tx, name: string) {
  const slug = slugify(name);
  const [known] = await db
    .select()
    .from(councils)
    .where(
      sql`${councils.slug} = ${slug} or lower(${councils.name}) = lower(${name})
        or exists (select 1 from unnest(${councils.aliases}) alias where lower(alias) = lower(${name}))`,
    )
    .limit(1);
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

async function findExisting(tx: Tx, committeeId: number, meeting: Meeting) {
  const columns = { id: meetings.id, contentHash: meetings.contentHash };
  if (meeting.sources.council) {
    const [byUrl] = await tx.select(columns).from(meetings).where(eq(meetings.councilUrl, meeting.sources.council));
    if (byUrl) return byUrl;
  }
  const [bySlot] = await tx
    .select(columns)
    .from(meetings)
    .where(and(eq(meetings.committeeId, committeeId), eq(meetings.startsAt, new Date(meeting.startsAt))));
  return bySlot;
}

