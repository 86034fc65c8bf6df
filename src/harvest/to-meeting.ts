import { DateTime } from 'luxon';
import type { HarvestWarningKind } from '../db/schema/index.js';
import type { MeetingInput } from '../meetings/schema.js';
import { blocksToText } from '../meetings/text.js';
import { htmlToBlocks } from './html-blocks.js';
import type { MgMeeting } from './moderngov.js';

/** ModernGov sites give local times with no offset: they are this zone's. */
export const siteZone = 'Europe/London';

/** A date or time the site gave that we cannot read: the meeting is not stored (never at a made-up time), and the harvest warns. */
export class UnreadableValueError extends Error {
  override readonly name = 'UnreadableValueError';
  constructor(
    readonly kind: Extract<HarvestWarningKind, 'bad-date' | 'bad-time'>,
    message: string,
  ) {
    super(message);
  }
}

/** "17/06/2025" as that day in Europe/London; null when it is no real day ("31/02/2026", "TBC"). */
export function siteDay(date: string): DateTime | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date.trim().slice(0, 10).trim());
  if (!match) return null;
  const day = DateTime.fromObject({ year: Number(match[3]), month: Number(match[2]), day: Number(match[1]) }, { zone: siteZone });
  return day.isValid ? day : null;
}

/**
 * A time as sites write it: "10.00 am", "6.30 pm", "18:30", "2pm", "12 noon".
 * Returns null for one we cannot read ("25.00 pm"), and undefined when there is none.
 */
export function siteTime(time: string): { hour: number; minute: number } | null | undefined {
  const text = time.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!text) return undefined;
  if (/^(12(?:[.:]00)? ?noon|noon|midday)$/.test(text)) return { hour: 12, minute: 0 };
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})? ?([ap])?\.?(?:m\.?)?$/.exec(text);
  if (!match || (match[2] === undefined && !match[3])) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (minute > 59) return null;
  if (match[3]) {
    if (hour < 1 || hour > 12) return null;
    if (match[3] === 'p' && hour < 12) hour += 12;
    if (match[3] === 'a' && hour === 12) hour = 0;
  } else if (hour > 23) {
    return null;
  }
  return { hour, minute };
}

/**
 * "17/06/2025" and "18:30" (or "6.30 pm") as the instant they name in
 * Europe/London, right in summer and winter. No time at all is the start of
 * the day; a date or time we cannot read throws UnreadableValueError.
 */
export function siteInstant(date: string, time: string): DateTime {
  const day = siteDay(date);
  if (!day) throw new UnreadableValueError('bad-date', `the meeting date "${date}" is not a day we can read`);
  const at = siteTime(time);
  if (at === null) throw new UnreadableValueError('bad-time', `the meeting time "${time}" is not a time we can read`);
  return at === undefined ? day.startOf('day') : day.set(at);
}

/** Free-text `meetingstatus` ("Confirmed; Budget Council", "Cancelled") as ours. */
export function meetingStatus(status: string, startsAt: DateTime, now: Date): 'scheduled' | 'held' | 'cancelled' {
  if (/cancel|postpone|abandon/i.test(status)) return 'cancelled';
  return startsAt.toJSDate() > now ? 'scheduled' : 'held';
}

/** Agenda, reports pack or other papers, by the title the site gives. */
export function documentCategory(title: string): 'Agenda' | 'Reports Pack' | 'Additional Documents' {
  if (/pack/i.test(title)) return 'Reports Pack';
  if (/agenda/i.test(title) && !/supplement|additional|item/i.test(title)) return 'Agenda';
  return 'Additional Documents';
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

/** Who was there: "Present", "Present as substitute", "In attendance". Apologies, absences and "Expected" are not attendance. */
const attended = /present|in attendance|attended/i;
const notThere = /apolog|absent|not present|expected/i;

/**
 * One ModernGov meeting in the canonical format, for the store. Exempt items
 * leave nothing behind (no title, text or papers), and neither do exempt
 * papers of public items. Item "0" with no number shown is a heading, not an
 * item. Each paper is listed under its item, its URL once, as given. At a
 * held meeting only those who were there are attendees; a cancelled or
 * coming meeting has none (its "Expected" members are the committee's
 * membership, not attendance).
 */
export function meetingFromSite(
  meeting: MgMeeting,
  context: { council: string; committee: string; committeeId: string | null; baseUrl: string; now: Date },
): MeetingInput {
  const startsAt = siteInstant(meeting.date, meeting.time);
  const status = meetingStatus(meeting.status, startsAt, context.now);
  const items = meeting.items.filter((item) => !item.restricted && item.title && !(/^0+$/.test(item.number) && !item.displayNumber));
  const sections: NonNullable<MeetingInput['sections']> = [];
  const decisions: NonNullable<MeetingInput['decisions']> = [];
  const documents: NonNullable<MeetingInput['documents']> = [];
  const headings = new Set<string>();
  const urls = new Set<string>();
  for (const item of items) {
    // Two items of one title would share a heading; the number tells them apart.
    let heading = clip(item.title, 300);
    if (headings.has(heading)) heading = clip(`${item.displayNumber || item.number} ${item.title}`, 300);
    if (headings.has(heading)) continue;
    headings.add(heading);
    const minutes = htmlToBlocks(item.minutesHtml);
    const decided = htmlToBlocks(item.decisionHtml);
    // An item decided with no minutes yet says what was decided (digests list that decision once).
    sections.push({
      heading,
      ...(item.displayNumber ? { number: clip(item.displayNumber, 20) } : {}),
      ...(item.issueId && item.issueId.length <= 40 ? { issue: item.issueId } : {}),
      ...(item.publicSpeaking === null ? {} : { publicSpeaking: item.publicSpeaking }),
      level: 1,
      blocks: minutes.length ? minutes : decided,
      agenda: htmlToBlocks(item.agendaHtml),
    });
    if (decided.length) decisions.push({ text: clip(blocksToText(decided), 5_000), title: clip(item.title, 500), section: heading, status: 'made' });
    for (const doc of item.documents) {
      if (doc.restricted || urls.has(doc.url) || !/^https?:\/\//i.test(doc.url)) continue;
      urls.add(doc.url);
      documents.push({ title: clip(doc.title || 'Document', 500), category: documentCategory(doc.title), url: doc.url, section: heading });
    }
  }
  const attendees =
    status === 'held'
      ? meeting.attendees
          .filter((person) => !notThere.test(person.attendance) && (!person.attendance || attended.test(person.attendance)))
          .map((person) => ({
            name: clip(person.name, 200),
            ...(person.role ? { role: clip(person.role, 300) } : {}),
            ...(person.party ? { party: clip(person.party, 100) } : {}),
          }))
      : [];
  const base = context.baseUrl.replace(/\/+$/, '');
  const committeeId = context.committeeId ?? meeting.committeeId;
  const link = meeting.link && /^https?:\/\//i.test(meeting.link)
    ? meeting.link
    : `${base}/ieListDocuments.aspx?${committeeId ? `CId=${encodeURIComponent(committeeId)}&` : ''}MId=${encodeURIComponent(meeting.id)}`;
  return {
    council: context.council,
    committee: context.committee,
    status,
    startsAt: startsAt.toISO({ suppressMilliseconds: true })!,
    ...(meeting.location ? { location: clip(meeting.location, 500) } : {}),
    sources: { council: link },
    sections: sections.slice(0, 200),
    attendees: attendees.slice(0, 500),
    documents: documents.slice(0, 500),
    decisions: decisions.slice(0, 500),
  };
}

/** A warning about one meeting's answer: what it says it published and we did not read. */
export interface MeetingWarning {
  kind: HarvestWarningKind;
  message: string;
}

/**
 * What the site says it published against what the reader found: the
 * agenda out with no item read, minutes out with no minute text, a decision
 * published with no decision text. Each is a warning, never a silent empty.
 */
export function checkMeeting(meeting: MgMeeting): MeetingWarning[] {
  const warnings: MeetingWarning[] = [];
  const open = meeting.items.filter((item) => !item.restricted);
  if (meeting.agendaPublished && meeting.items.length === 0) {
    warnings.push({ kind: 'no-items', message: 'the site says the agenda is published, but no agenda item was read' });
  }
  const minutesOut = meeting.minutesPublished === true || open.some((item) => item.minutesPublished);
  if (minutesOut && open.length > 0 && !open.some((item) => item.minutesHtml.trim())) {
    warnings.push({ kind: 'no-minutes', message: 'the site says the minutes are published, but no minute text was read' });
  }
  for (const item of open) {
    if (item.isDecision && (item.decisionPublished || meeting.decisionsPublished === true) && !item.decisionHtml.trim()) {
      warnings.push({ kind: 'no-decision', message: `item ${item.displayNumber || item.number || item.id} ("${clip(item.title, 80)}") is a published decision, but no decision text was read` });
    }
  }
  return warnings;
}
