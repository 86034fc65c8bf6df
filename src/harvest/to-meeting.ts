import { DateTime } from 'luxon';
import type { MeetingInput } from '../meetings/schema.js';
import { blocksToText } from '../meetings/text.js';
import { htmlToBlocks } from './html-blocks.js';
import type { MgDocument, MgMeeting } from './moderngov.js';

/** ModernGov sites give local times with no offset: they are this zone's. */
export const siteZone = 'Europe/London';

/** "17/06/2025" and "18:30" (or "6.30 pm", or nothing) as the instant they name in Europe/London. */
export function siteInstant(date: string, time: string): DateTime | null {
  const day = DateTime.fromFormat(date.trim().slice(0, 10), 'dd/MM/yyyy', { zone: siteZone });
  if (!day.isValid) return null;
  const match = /^(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?$/i.exec(time.trim());
  if (!match) return day.startOf('day');
  let hour = Number(match[1]);
  const meridiem = match[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === 'pm' && hour < 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  const at = day.set({ hour, minute: Number(match[2]) });
  return at.isValid && hour < 24 ? at : day.startOf('day');
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

/** Apologies and absences are not attendees. */
const absent = /apolog|absent|not present/i;

/**
 * One ModernGov meeting in the canonical format, for the store. Exempt
 * (restricted) items leave nothing behind: no title, text or papers. Item
 * "0" is a heading, not an item. Each paper's URL is kept once, as given.
 */
export function meetingFromSite(
  meeting: MgMeeting,
  context: { council: string; committee: string; baseUrl: string; now: Date },
): MeetingInput {
  const startsAt = siteInstant(meeting.date, meeting.time);
  if (!startsAt) throw new Error(`meeting ${meeting.id} has a date we cannot read: "${meeting.date}"`);
  const items = meeting.items.filter((item) => !item.restricted && item.title && !/^0+$/.test(item.number.trim()));
  const sections: NonNullable<MeetingInput['sections']> = [];
  const decisions: NonNullable<MeetingInput['decisions']> = [];
  const headings = new Set<string>();
  for (const item of items) {
    // Two items of one title would share a heading; the number tells them apart.
    let heading = clip(item.title, 300);
    if (headings.has(heading)) heading = clip(`${item.number} ${item.title}`, 300);
    if (headings.has(heading)) continue;
    headings.add(heading);
    const minutes = htmlToBlocks(item.minutesHtml);
    const decided = htmlToBlocks(item.decisionHtml);
    // An item decided with no minutes yet says what was decided (digests list that decision once).
    sections.push({ heading, level: 1, blocks: minutes.length ? minutes : decided });
    if (decided.length) decisions.push({ text: clip(blocksToText(decided), 5_000), title: clip(item.title, 500), section: heading, status: 'made' });
  }
  const seen = new Set<string>();
  const documents = [...meeting.documents, ...items.flatMap((item) => item.documents)].flatMap((doc: MgDocument) => {
    if (seen.has(doc.url) || !/^https?:\/\//i.test(doc.url)) return [];
    seen.add(doc.url);
    return [{ title: clip(doc.title || 'Document', 500), category: documentCategory(doc.title), url: doc.url }];
  });
  const attendees = meeting.attendees
    .filter((person) => !absent.test(person.attendance))
    .map((person) => ({
      name: clip(person.name, 200),
      ...(person.role ? { role: clip(person.role, 300) } : {}),
      ...(person.party ? { party: clip(person.party, 100) } : {}),
    }));
  const base = context.baseUrl.replace(/\/+$/, '');
  const link = meeting.link && /^https?:\/\//i.test(meeting.link)
    ? meeting.link
    : `${base}/ieListDocuments.aspx?${meeting.committeeId ? `CId=${encodeURIComponent(meeting.committeeId)}&` : ''}MId=${encodeURIComponent(meeting.id)}`;
  return {
    council: context.council,
    committee: context.committee,
    status: meetingStatus(meeting.status, startsAt, context.now),
    startsAt: startsAt.toISO({ suppressMilliseconds: true })!,
    sources: { council: link },
    sections: sections.slice(0, 200),
    attendees: attendees.slice(0, 500),
    documents: documents.slice(0, 500),
    decisions: decisions.slice(0, 500),
  };
}
