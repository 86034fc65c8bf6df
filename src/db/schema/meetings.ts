import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A paragraph of prose, or a bullet list kept as a list: the shape meetings/schema.ts validates before storing. */
export type StoredBlock = { type: 'paragraph'; text: string } | { type: 'list'; items: string[] };

/** A footnote of a meeting's summary, as meetings/schema.ts validates it. */
export interface StoredFootnote {
  number: number;
  text: string;
  anchor?: string | undefined;
}

/** Where a meeting's parts came from: see "One meeting, two writers" in docs/harvest.md. */
export const origins = ['import', 'harvest'] as const;
export type Origin = (typeof origins)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const councils = pgTable('councils', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** Other names pages use for the same council ("Hertfordshire Council"). */
  aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
  website: text('website'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const committees = pgTable(
  'committees',
  {
    id: serial('id').primaryKey(),
    councilId: integer('council_id')
      .notNull()
      .references(() => councils.id, { onDelete: 'cascade' }),
    /** Punctuation-blind ("Childrens" and "Children's" are one committee). */
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('committees_council_slug_key').on(table.councilId, table.slug)],
);

export const meetings = pgTable(
  'meetings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    councilId: integer('council_id')
      .notNull()
      .references(() => councils.id, { onDelete: 'cascade' }),
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    kind: text('kind', { enum: ['meeting', 'report'] }).notNull().default('meeting'),
    status: text('status', { enum: ['scheduled', 'held', 'cancelled'] }).notNull().default('held'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** The planned finish, when the record gives one (calendars otherwise assume two hours). */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Where it sits ("Council Chamber, County Hall, Hertford"), when the record or site says. */
    location: text('location'),
    /** Rises each time the start, finish, place or status changes: an iCalendar event's SEQUENCE (calendar/). */
    sequence: integer('sequence').notNull().default(0),
    councilUrl: text('council_url'),
    videoUrl: text('video_url'),
    transcriptUrl: text('transcript_url'),
    summary: text('summary').notNull().default(''),
    footnotes: jsonb('footnotes').$type<StoredFootnote[]>().notNull().default([]),
    /** sha256 of the imported record ('' when only a harvest brought it): a re-import of identical content changes nothing. */
    contentHash: text('content_hash').notNull(),
    /** The council site's id for it (`<source id>:<ModernGov meeting id>`), when a harvest brought it. */
    harvestKey: text('harvest_key'),
    /** sha256 of what the last harvest read: an unchanged meeting on the council's site costs no writes. */
    harvestHash: text('harvest_hash'),
    // When each part was first published and last changed substantially (meetings/publication.ts), as stores bring them.
    agendaPublishedAt: timestamp('agenda_published_at', { withTimezone: true }),
    agendaChangedAt: timestamp('agenda_changed_at', { withTimezone: true }),
    minutesPublishedAt: timestamp('minutes_published_at', { withTimezone: true }),
    minutesChangedAt: timestamp('minutes_changed_at', { withTimezone: true }),
    summaryPublishedAt: timestamp('summary_published_at', { withTimezone: true }),
    summaryChangedAt: timestamp('summary_changed_at', { withTimezone: true }),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B')`,
      ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // The identity of a meeting: re-importing it updates, never duplicates.
    uniqueIndex('meetings_committee_starts_at_key').on(table.committeeId, table.startsAt),
    uniqueIndex('meetings_council_url_key').on(table.councilUrl).where(sql`council_url is not null`),
    uniqueIndex('meetings_harvest_key_key').on(table.harvestKey).where(sql`harvest_key is not null`),
    // The weekly run and /api/meetings select by time range first.
    index('meetings_starts_at_idx').on(table.startsAt),
    index('meetings_search_idx').using('gin', table.search),
  ],
);

export const sections = pgTable(
  'sections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    level: smallint('level').notNull().default(1),
    /** Who wrote the row: an imported record or page, or a harvest of the council's site (each replaces only its own). */
    origin: text('origin', { enum: origins }).notNull().default('import'),
    heading: text('heading').notNull(),
    /** The number the council gives the item ("4.", "12(a)"), when it gives one. */
    number: text('number'),
    /** The council site's id for the matter the item is about (ModernGov's `issueid`): the same from meeting to meeting. */
    issueId: text('issue_id'),
    /** Whether the council's site says the public may speak on the item (ModernGov's `ispubliccanspeak`); null when it does not say. */
    publicSpeaking: boolean('public_speaking'),
    blocks: jsonb('blocks').$type<StoredBlock[]>().notNull().default([]),
    /** The agenda's own text for the item, published before the meeting (a harvest's `agendatext`). */
    agenda: jsonb('agenda').$type<StoredBlock[]>().notNull().default([]),
    /** The blocks as plain text (list items one a line): what search and tagging read. */
    body: text('body').notNull().default(''),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(heading, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')`,
      ),
  },
  (table) => [
    uniqueIndex('sections_meeting_position_key').on(table.meetingId, table.position),
    index('sections_search_idx').using('gin', table.search),
    check('sections_level_check', sql`${table.level} in (1, 2)`),
  ],
);

export const attendees = pgTable(
  'attendees',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    name: text('name').notNull(),
    role: text('role'),
    party: text('party'),
    /** Who wrote the row: an imported record or page, or a harvest of the council's site (each replaces only its own). */
    origin: text('origin', { enum: origins }).notNull().default('import'),
  },
  (table) => [index('attendees_meeting_idx').on(table.meetingId)],
);

export const documents = pgTable(
  'documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    title: text('title').notNull(),
    category: text('category', { enum: ['Agenda', 'Reports Pack', 'Additional Documents'] }).notNull(),
    url: text('url'),
    /** The agenda item the paper belongs to; null for the meeting's own papers (agenda, pack, minutes). */
    sectionId: bigint('section_id', { mode: 'number' }).references(() => sections.id, { onDelete: 'set null' }),
    /** Who wrote the row: an imported record or page, or a harvest of the council's site (each replaces only its own). */
    origin: text('origin', { enum: origins }).notNull().default('import'),
  },
  (table) => [index('documents_meeting_idx').on(table.meetingId)],
);

export const decisions = pgTable(
  'decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    sectionId: bigint('section_id', { mode: 'number' }).references(() => sections.id, {
      onDelete: 'set null',
    }),
    position: smallint('position').notNull(),
    reference: text('reference'),
    decidedBy: text('decided_by'),
    decidedOn: date('decided_on'),
    status: text('status', { enum: ['made', 'anticipated', 'consequence'] }).notNull().default('made'),
    title: text('title'),
    text: text('text').notNull(),
    /** Who wrote the row: an imported record or page, or a harvest of the council's site (each replaces only its own). */
    origin: text('origin', { enum: origins }).notNull().default('import'),
  },
  (table) => [index('decisions_meeting_idx').on(table.meetingId)],
);

export const topics = pgTable('topics', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** The score a text needs to be tagged with this topic. */
  threshold: real('threshold').notNull().default(3),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const topicRules = pgTable(
  'topic_rules',
  {
    id: serial('id').primaryKey(),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    term: text('term').notNull(),
    weight: real('weight').notNull(),
  },
  (table) => [uniqueIndex('topic_rules_topic_term_key').on(table.topicId, table.term)],
);

/** rule: given by the tagger (retag replaces it); manual: given in the imported record. */
const tagSource = { enum: ['rule', 'manual'] as [string, ...string[]] };

export const meetingTopics = pgTable(
  'meeting_topics',
  {
    meetingId: bigint('meeting_id', { mode: 'number' })
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    score: real('score').notNull().default(0),
    source: text('source', tagSource).notNull().default('rule'),
  },
  (table) => [
    primaryKey({ columns: [table.meetingId, table.topicId] }),
    index('meeting_topics_topic_idx').on(table.topicId),
  ],
);

export const sectionTopics = pgTable(
  'section_topics',
  {
    sectionId: bigint('section_id', { mode: 'number' })
      .notNull()
      .references(() => sections.id, { onDelete: 'cascade' }),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    score: real('score').notNull().default(0),
    source: text('source', tagSource).notNull().default('rule'),
  },
  (table) => [
    primaryKey({ columns: [table.sectionId, table.topicId] }),
    index('section_topics_topic_idx').on(table.topicId),
  ],
);
