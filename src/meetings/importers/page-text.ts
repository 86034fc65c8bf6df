import { ImportError } from '../errors.js';
import {
  attendeeSchema,
  documentCategories,
  type AttendeeInput,
  type Block,
  type DocumentInput,
  type MeetingInput,
  type SectionInput,
} from '../schema.js';
import {
  decisionsIn,
  endsSentence,
  findDate,
  finish,
  isHeadingShaped,
  isoDate,
  markerStripper,
  parseTime,
  readItems,
  takeFootnotes,
  toBlocks,
  toIso,
  toLines,
  ymd,
  type Hm,
  type Item,
  type Ymd,
} from './text-utils.js';

export interface PageOptions {
  /** IANA zone of the times printed on the page; default Europe/London. */
  timeZone?: string;
  /** Fills in, or overrides, the council the page names. */
  council?: string;
}

const COUNCIL_LINE = /^You['’]ll receive weekly summaries about (.{1,200}) every week\.?$/i;
const CHROME = /^(?:subscribe to updates|chat with this meeting|subscribe to chat|ai generated|subscribe to our professional plan\b.*|if you have any requests or comments\b.*|you['’]ll receive weekly summaries about\b.*|profile image for\b.*|no topics have been identified for this meeting yet\.?)$/i;
const LINK_LABELS = /view on council website|watch video of meeting|read transcript(?: \([^)]{0,80}\))?/gi;
const TAIL = /^(?:attendees|topics|meeting documents)$/i;
const TITLE = /^(.{2,200}?)\s+[-–—]\s+((?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+\p{L}{3,9},?\s+\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.?m\.?)?))?$/iu;
/** Agenda file names carry the date, time and committee: "Agenda frontsheet Tuesday 15-Jul-2025 10.00 Childrens Social Care Cabinet Panel.pdf". */
const DOCUMENT_NAME = /(?<!\S)(\d{1,2})-(\p{L}{3,9})-(\d{4})\s+(\d{1,2}[.:]\d{2}(?:\s*[ap]m)?)\s+(.{2,200}?)(?:\.[a-z]{2,4})?$/iu;
/** "The Planning Committee met ...": the committee as the summary names it. */
const MET = /\bThe (\p{Lu}[\p{L}'’-]*(?:\s+(?:\p{Lu}[\p{L}'’-]*|and|of|for|the|&|\(\p{Lu}[\p{L}'’-]*\))){0,14})\s+met\b/u;
const ROLE_START = /\s(?=(?:Deputy|Vice|Executive|Leader|Chair|Chairman|Chairwoman|Member|Cabinet|Mayor|Lead|Portfolio|Director|Head|Officer|Clerk)\b)/;

interface When { date: Ymd; time?: Hm; committee?: string }

export function parseMeetingPage(text: string, options: PageOptions = {}): MeetingInput {
  const zone = options.timeZone ?? 'Europe/London';
  if (!text.trim()) throw new ImportError('The page text is empty: expected the text of a meeting summary page.');
  const lines = blankChatBox(toLines(text));
  const council = options.council?.trim() || lines.map((l) => COUNCIL_LINE.exec(l)?.[1]?.trim()).find(Boolean);
  if (!council) {
    throw new ImportError(
      `Could not find the council: expected a line like "You'll receive weekly summaries about Hertfordshire Council every week." (or pass the council explicitly).`,
    );
  }

  const summaryAt = lines.findIndex((l) => metaLine(l)?.summary);
  const bodyStart = summaryAt >= 0 ? summaryAt + 1 : leadingChromeEnd(lines);
  const tailAt = lines.findIndex((l, i) => i >= bodyStart && TAIL.test(l));
  const bodyEnd = tailAt >= 0 ? tailAt : lines.length;
  const head = lines.slice(0, bodyStart);
  const { attendees, documents } = parseTail(lines.slice(bodyEnd));

  const { rest, notes } = takeFootnotes(lines.slice(bodyStart, bodyEnd).map((l) => (CHROME.test(l) || metaLine(l) ? '' : l)));
  const { intro, parts } = splitSections(readItems(rest));
  const strip = markerStripper(notes);
  const stripBlocks = (blocks: Block[]): Block[] =>
    blocks.map((b) => (b.type === 'paragraph' ? { type: 'paragraph', text: strip(b.text) } : { type: 'list', items: b.items.map(strip) }));
  const summary = stripBlocks(toBlocks(intro))
    .map((b) => (b.type === 'paragraph' ? b.text : b.items.map((i) => `- ${i}`).join('\n')))
    .join('\n\n');
  const sections: SectionInput[] = parts.map((p) => ({ heading: strip(p.heading), level: 1, blocks: stripBlocks(toBlocks(p.items)), agenda: [] }));
  assignLevels(sections, summary);

  const when = resolveWhen(head, documents, summary);
  return finish(
    {
      council,
      committee: when.committee,
      kind: 'meeting',
      status: 'held',
      startsAt: toIso(when.date, when.time, zone),
      summary,
      sections,
      attendees,
      documents,
      decisions: sections.flatMap((s) => decisionsIn(s.blocks ?? [], s.heading)),
      footnotes: notes,
    },
    'meeting page',
  );
}

/** The chat box's sample question is a bare quoted line; everything from "Chat with this meeting" to "Subscribe to chat" is chrome. */
function blankChatBox(lines: string[]): string[] {
  const from = lines.findIndex((l) => /^chat with this meeting$/i.test(l));
  const to = from < 0 ? -1 : lines.findIndex((l, i) => i > from && /^subscribe to chat$/i.test(l));
  return to > from && to - from < 12 ? lines.map((l, i) => (i >= from && i <= to ? '' : l)) : lines;
}

/** The link-label line ("June 17, 2025 View on council website ... Summary") or a bare "Summary". */
function metaLine(line: string): { date?: Ymd; summary: boolean } | undefined {
  if (!line || line.length > 300) return undefined;
  const summary = /(?:^|\)|\s)summary$/i.test(line);
  const rest = line.replace(/summary$/i, '').replace(LINK_LABELS, '').trim();
  if (rest === line) return undefined;
  if (!rest) return { summary };
  const date = rest.length <= 40 ? findDate(rest) : undefined;
  return date ? { date, summary } : undefined;
}

/** Without a "Summary" marker the body starts after the page chrome, title and date lines. */
function leadingChromeEnd(lines: string[]): number {
  const i = lines.findIndex((l) => l !== '' && !CHROME.test(l) && !metaLine(l) && !parseTitle(l));
  return i < 0 ? lines.length : i;
}

function parseTitle(line: string): When | undefined {
  const m = line.length <= 300 ? TITLE.exec(line) : null;
  const date = m && findDate(m[2]!);
  if (!m || !date) return undefined;
  const time = m[3] ? parseTime(m[3]) : undefined;
  return { committee: m[1]!.trim(), date, ...(time && { time }) };
}

function parseDocumentName(title: string): When | undefined {
  const m = title.length <= 300 ? DOCUMENT_NAME.exec(title) : null;
  const date = m && ymd(m[3]!, m[2]!, m[1]!);
  if (!m || !date) return undefined;
  const time = parseTime(m[4]!);
  return { committee: m[5]!.trim(), date, ...(time && { time }) };
}

/** Title line first, then agenda document names, then the page's date line; the time comes from any of them for that day. */
function resolveWhen(head: string[], documents: DocumentInput[], summary: string): When & { committee: string } {
  const titled = head.map(parseTitle).find(Boolean);
  const named = documents.map((d) => parseDocumentName(d.title)).filter((w): w is When => w !== undefined);
  const date = titled?.date ?? named[0]?.date ?? head.map((l) => metaLine(l)?.date).find(Boolean);
  if (!date) {
    throw new ImportError(
      'Could not find the meeting date: expected a title line like "Planning Committee - Tuesday, 17 June 2025 2.00 pm", ' +
        'a date line like "June 17, 2025", or an agenda document named like "Agenda frontsheet Tuesday 15-Jul-2025 10.00 Planning Committee.pdf".',
    );
  }
  const sameDay = [titled, ...named].filter((w): w is When => w !== undefined && isoDate(w.date) === isoDate(date));
  const time = sameDay.find((w) => w.time)?.time;
  const fromDocument = named.find((w) => w.committee)?.committee;
  const committee = titled?.committee
    ?? (fromDocument && spelledAsIn(fromDocument, summary))
    ?? MET.exec(summary)?.[1];
  if (!committee) {
    throw new ImportError(
      'Could not find the committee: expected a title line like "Planning Committee - Tuesday, 17 June 2025 2.00 pm" or a summary saying "The Planning Committee met ...".',
    );
  }
  return { date, committee, ...(time && { time }) };
}

/** File names drop punctuation ("Childrens"); the summary's own spelling of the same words wins. */
function spelledAsIn(name: string, text: string): string {
  const key = (w: string) => w.toLowerCase().replace(/[^\p{L}\d]/gu, '');
  const want = name.split(' ').map(key);
  const words = text.split(/\s+/);
  for (let i = 0; i + want.length <= words.length; i++) {
    if (want.every((w, j) => key(words[i + j]!) === w)) {
      return words.slice(i, i + want.length).join(' ').replace(/^[^\p{L}\d]+/u, '').replace(/[^\p{L}\d)]+$/u, '');
    }
  }
  return name;
}

/**
 * A heading is a short line without closing punctuation, after a finished
 * sentence or a list, and followed by something that is not another short line.
 */
function splitSections(items: Item[]): { intro: Item[]; parts: { heading: string; items: Item[] }[] } {
  const intro: Item[] = [];
  const parts: { heading: string; items: Item[] }[] = [];
  items.forEach((item, i) => {
    const prev = items[i - 1];
    const next = items[i + 1];
    const heading = item.kind === 'text' && isHeadingShaped(item.text) && next !== undefined
      && !(next.kind === 'text' && isHeadingShaped(next.text))
      && (prev === undefined || prev.kind === 'bullet' || endsSentence(prev.text));
    if (heading) parts.push({ heading: item.text, items: [] });
    else (parts.at(-1)?.items ?? intro).push(item);
  });
  return { intro, parts };
}

const STOP = new Set(['and', 'of', 'the', 'for', 'to', 'in', 'on', 'a', 'an', 'with', 'at', 'by', 'from']);

function keywords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[^\p{L}\d']+/u)
    .map((w) => w.replace(/^'+/, '').replace(/'s?$/, ''))
    .map((w) => (w.length > 3 ? w.replace(/s$/, '') : w))
    .filter((w) => w && !STOP.has(w) && !/^\d+$/.test(w));
}

/**
 * The summary names the agenda items. A heading it does not name, after a
 * named item that no decision has closed yet, is a sub-heading of that item
 * (the performance report's "Care Leavers").
 */
function assignLevels(sections: SectionInput[], summary: string): void {
  const named = new Set(keywords(summary));
  const isNamed = (heading: string) => {
    const words = keywords(heading);
    return words.length > 0 && words.filter((w) => named.has(w)).length / words.length >= 0.75;
  };
  let parent: SectionInput | undefined;
  let previous: SectionInput | undefined;
  for (const section of sections) {
    const lastBlock = previous?.blocks?.at(-1);
    const closed = lastBlock !== undefined && decisionsIn([lastBlock], '').length > 0;
    const nested = parent !== undefined && !closed && !isNamed(section.heading);
    section.level = nested ? 2 : 1;
    if (!nested) parent = isNamed(section.heading) ? section : undefined;
    previous = section;
  }
}

function parseTail(lines: string[]): { attendees: AttendeeInput[]; documents: DocumentInput[] } {
  const attendees: AttendeeInput[] = [];
  const documents: DocumentInput[] = [];
  let part = '';
  let category: DocumentInput['category'] = 'Additional Documents';
  let pictured: string | undefined;
  for (const line of lines) {
    if (!line || line.length > 500) continue;
    if (TAIL.test(line)) {
      part = line.toLowerCase();
      continue;
    }
    const asCategory = documentCategories.find((c) => c.toLowerCase() === line.toLowerCase());
    if (part === 'meeting documents') {
      if (asCategory) category = asCategory;
      else documents.push({ title: line, category });
    } else if (part === 'attendees') {
      const profile = /^Profile image for (.+)$/i.exec(line);
      const described = pictured !== undefined && !profile && line.startsWith(pictured);
      if (pictured && !described) attendees.push({ name: pictured });
      const attendee = profile ? undefined : parseAttendee(line, described ? pictured : undefined);
      // Prose that strayed into the list (too long for a name or role) is not an attendee.
      if (attendee && attendeeSchema.safeParse(attendee).success) attendees.push(attendee);
      pictured = profile?.[1]?.trim();
    }
  }
  if (pictured) attendees.push({ name: pictured });
  return { attendees, documents };
}

/** "Nigel Bell Leader, Labour Group • Labour", "Dee Hart (Conservative)", "Louise Price Deputy Executive member ... • (Liberal Democrats)". */
function parseAttendee(line: string, name?: string): AttendeeInput {
  let cut = name ? name.length : line.search(ROLE_START);
  if (cut < 0) cut = line.search(/\s[(•]/);
  if (cut < 0) return { name: line };
  const rest = line.slice(cut).trim();
  const clean = (s: string) => s.trim().replace(/^\((.*)\)$/, '$1').trim() || undefined;
  const bullet = rest.lastIndexOf('•');
  const open = rest.endsWith(')') ? rest.lastIndexOf('(') : -1;
  const [role, party] = bullet >= 0
    ? [rest.slice(0, bullet), rest.slice(bullet + 1)]
    : open >= 0 ? [rest.slice(0, open), rest.slice(open)] : [rest, ''];
  const attendee: AttendeeInput = { name: line.slice(0, cut).trim() };
  const r = clean(role);
  const p = clean(party);
  if (r) attendee.role = r;
  if (p) attendee.party = p;
  return attendee;
}
