import { z } from 'zod';
import type { StoredBlock, StoredFootnote } from '../db/schema/meetings.js';

/**
 * The canonical meeting format: what `council-digest import FILE.json`,
 * `POST /api/admin/meetings` and the files in seeds/ carry, and what every
 * other importer (page text, executive-member report) produces.
 * The README documents it field by field; keep the two in step.
 */

const trimmed = (max: number) => z.string().trim().min(1).max(max);

/** A paragraph of prose, or a bullet list kept as a list. */
export const blockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('paragraph'), text: trimmed(20_000) }),
  z.object({ type: z.literal('list'), items: z.array(trimmed(5_000)).min(1).max(200) }),
]);
export type Block = z.infer<typeof blockSchema>;
// What is validated here is what the database's columns are typed to hold.
blockSchema satisfies z.ZodType<StoredBlock>;

export const sectionSchema = z.object({
  heading: trimmed(300),
  /** The item's number as the council shows it ("4.", "12(a)"), when it shows one. */
  number: trimmed(20).optional(),
  /** The council site's id for the matter (ModernGov's `issueid`), the same at every meeting that takes it up. */
  issue: trimmed(40).optional(),
  /** Whether the council says the public may speak on the item (ModernGov's `ispubliccanspeak`), when it says. */
  publicSpeaking: z.boolean().optional(),
  /** 1: an agenda item; 2: a sub-heading inside the item before it. */
  level: z.union([z.literal(1), z.literal(2)]).default(1),
  /** What was said and decided: the minutes, or the summary page's text. */
  blocks: z.array(blockSchema).max(500).default([]),
  /** The agenda's own text for the item, published before the meeting. */
  agenda: z.array(blockSchema).max(500).default([]),
  /** Topic slugs; when absent the tagger decides on import. */
  topics: z.array(z.string()).optional(),
});
export type SectionInput = z.infer<typeof sectionSchema>;

export const attendeeSchema = z.object({
  name: trimmed(200),
  role: trimmed(300).optional(),
  party: trimmed(100).optional(),
});
export type AttendeeInput = z.infer<typeof attendeeSchema>;

export const documentCategories = ['Agenda', 'Reports Pack', 'Additional Documents'] as const;
export const documentSchema = z.object({
  title: trimmed(500),
  category: z.enum(documentCategories),
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** The heading of the agenda item the paper belongs to; absent for the meeting's own papers. */
  section: trimmed(300).optional(),
});
export type DocumentInput = z.infer<typeof documentSchema>;

export const decisionSchema = z.object({
  /** The council's own reference, such as "A003/18". */
  reference: trimmed(50).optional(),
  /** Who decided (Cabinet, the panel...), when it is not the meeting's own body. */
  decidedBy: trimmed(200).optional(),
  /** ISO date (YYYY-MM-DD) of the decision, when it differs from the meeting's. */
  decidedOn: z.iso.date().optional(),
  /** made: decided; anticipated: due to be decided; consequence: follow-up of an earlier decision. */
  status: z.enum(['made', 'anticipated', 'consequence']).default('made'),
  title: trimmed(500).optional(),
  text: trimmed(5_000),
  /** The heading of the section it belongs to, if any. */
  section: trimmed(300).optional(),
});
export type DecisionInput = z.infer<typeof decisionSchema>;

export const footnoteSchema = z.object({
  number: z.number().int().min(1).max(999),
  text: trimmed(5_000),
  /** The word the marker was glued to ("Reorganisation" for "Reorganisation1"). */
  anchor: trimmed(200).optional(),
});
export type FootnoteInput = z.infer<typeof footnoteSchema>;
footnoteSchema satisfies z.ZodType<StoredFootnote>;

export const meetingSchema = z.object({
  council: trimmed(200),
  committee: trimmed(300),
  /** Defaults to "<committee>, <date>". */
  title: trimmed(500).optional(),
  kind: z.enum(['meeting', 'report']).default('meeting'),
  /** scheduled: a future meeting ("coming up"); held: it took place. */
  status: z.enum(['scheduled', 'held', 'cancelled']).default('held'),
  /** ISO 8601 with an offset or Z: "2025-06-17T14:00:00+01:00". */
  startsAt: z.iso.datetime({ offset: true }),
  /** The planned finish, same form as startsAt. */
  endsAt: z.iso.datetime({ offset: true }).optional(),
  /** Where it sits: room, building, town. */
  location: trimmed(500).optional(),
  sources: z
    .object({
      council: z.url({ protocol: /^https?$/ }).optional(),
      video: z.url({ protocol: /^https?$/ }).optional(),
      transcript: z.url({ protocol: /^https?$/ }).optional(),
    })
    .default({}),
  /** Plain text; paragraphs separated by a blank line. */
  summary: z.string().trim().max(50_000).default(''),
  sections: z.array(sectionSchema).max(200).default([]),
  attendees: z.array(attendeeSchema).max(500).default([]),
  documents: z.array(documentSchema).max(500).default([]),
  decisions: z.array(decisionSchema).max(500).default([]),
  footnotes: z.array(footnoteSchema).max(200).default([]),
  /** Meeting-level topic slugs; when absent the tagger decides on import. */
  topics: z.array(z.string()).optional(),
});
/** What callers write (defaults optional). */
export type MeetingInput = z.input<typeof meetingSchema>;
/** What importers hand to the store (defaults filled in). */
export type Meeting = z.output<typeof meetingSchema>;
