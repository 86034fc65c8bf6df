import { DateTime } from 'luxon';
import { ImportError } from '../errors.js';
import {
  meetingSchema,
  type Block,
  type DecisionInput,
  type FootnoteInput,
  type MeetingInput,
} from '../schema.js';

/**
 * Helpers shared by the page-text and report importers. The regexes are
 * anchored, bounded or use single-character look-arounds, so that a
 * multi-megabyte line cannot trigger quadratic backtracking.
 */

export interface Ymd { year: number; month: number; day: number }
export interface Hm { hour: number; minute: number }

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

export function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  const i = MONTHS.findIndex((m) => m === n || m.slice(0, 3) === n || (n === 'sept' && m === 'september'));
  return i < 0 ? undefined : i + 1;
}

export function ymd(year: string, month: string, day: string): Ymd | undefined {
  const m = /^\d+$/.test(month) ? Number(month) : monthNumber(month);
  const date = { year: Number(year), month: m ?? 0, day: Number(day) };
  return DateTime.fromObject(date).isValid ? date : undefined;
}

const DMY = /(?<![\d\p{L}])(\d{1,2})(?:st|nd|rd|th)?\s+(\p{L}{3,9})\.?,?\s+(\d{4})(?!\d)/u;
const MDY = /(?<![\d\p{L}])(\p{L}{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)/u;

/** "17 June 2025", "Tuesday, 17 June 2025" or "June 17, 2025", wherever it sits in the text. */
export function findDate(text: string): Ymd | undefined {
  const d = DMY.exec(text);
  if (d) {
    const found = ymd(d[3]!, d[2]!, d[1]!);
    if (found) return found;
  }
  const m = MDY.exec(text);
  return m ? ymd(m[3]!, m[1]!, m[2]!) : undefined;
}

/** "2.00 pm", "10.00 am", "7pm", or 24-hour "10.00" / "14:30". */
export function parseTime(text: string): Hm | undefined {
  const m = /^(\d{1,2})(?:[.:](\d{2}))?\s*(?:([ap])\.?m\.?)?$/i.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half && (hour < 1 || hour > 12)) return undefined;
  if (half === 'p' && hour < 12) hour += 12;
  if (half === 'a' && hour === 12) hour = 0;
  return hour < 24 && minute < 60 ? { hour, minute } : undefined;
}

export function isoDate(d: Ymd): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The local wall-clock time in `zone`, as ISO 8601 with its offset. */
export function toIso(date: Ymd, time: Hm | undefined, zone: string): string {
  const dt = DateTime.fromObject({ ...date, ...(time ?? { hour: 0, minute: 0 }) }, { zone });
  if (!dt.isValid) {
    throw new ImportError(`Cannot place ${isoDate(date)} in time zone "${zone}": ${dt.invalidExplanation ?? dt.invalidReason}`);
  }
  return dt.toISO()!;
}

/**
 * Normalised, trimmed lines: no CR, no-break spaces become spaces, control
 * characters go, and runs of blank lines shrink to one (only the break matters).
 */
export function toLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f\t]/g, ' ')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff\ufffd]/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/\n(?: ?\n)+/g, '\n\n')
    .split('\n')
    .map((l) => l.trim());
}

const TERMINAL = /(?:[.!?:;…]|:-)["'”’)\]]*$/;
export const endsSentence = (s: string): boolean => TERMINAL.test(s);
const startsMidSentence = (s: string): boolean => /^[\p{Ll}(]/u.test(s);

/** Short, no closing punctuation, not starting mid-sentence: could be a heading if context agrees. */
export function isHeadingShaped(s: string): boolean {
  return s.length > 0 && s.length <= 120 && !/^(?:[^ ]* ){16}/.test(s)
    && !/[.!?:;,]["'”’]?$/.test(s) && !startsMidSentence(s);
}

export interface Item { kind: 'text' | 'bullet'; text: string }
const BULLET = /^(?:[•●▪◦*]|[-–](?=\s|$))\s*/;

/**
 * Lines to paragraphs and bullets, re-joining lines that were broken in the
 * middle of a sentence, even across a blank line: a line without closing
 * punctuation continues when the next one starts in lower case or with "(",
 * or when it is long prose and the next line is not heading-shaped.
 */
export function readItems(lines: readonly string[]): Item[] {
  const items: (Omit<Item, 'text'> & { parts: string[]; length: number })[] = [];
  for (const line of lines) {
    if (!line) continue;
    const bullet = BULLET.exec(line);
    const text = bullet ? line.slice(bullet[0].length).trim() : line;
    if (!text) continue;
    const prev = items.at(-1);
    const last = prev?.parts.at(-1) ?? '';
    const joins = prev && !bullet && !endsSentence(last)
      && (startsMidSentence(text) || (prev.kind === 'text' && prev.length > 120 && !isHeadingShaped(text)));
    if (joins) {
      prev.parts.push(text);
      prev.length += text.length + 1;
    } else {
      items.push({ kind: bullet ? 'bullet' : 'text', parts: [text], length: text.length });
    }
  }
  return items.map(({ kind, parts }) => ({ kind, text: parts.join(' ') }));
}

/** Paragraphs stay paragraphs; consecutive bullets (even split by blank lines) form one list. */
export function toBlocks(items: readonly Item[]): Block[] {
  const blocks: Block[] = [];
  for (const item of items) {
    const last = blocks.at(-1);
    if (item.kind === 'text') blocks.push({ type: 'paragraph', text: item.text });
    else if (last?.type === 'list' && last.items.length < 200) last.items.push(item.text);
    else blocks.push({ type: 'list', items: [item.text] });
  }
  return blocks;
}

/** Footnote texts end in "↩", often after a lone "-" line; they come out of the running text. */
export function takeFootnotes(lines: readonly string[]): { rest: string[]; notes: FootnoteInput[] } {
  const rest: string[] = [];
  const notes: FootnoteInput[] = [];
  for (const line of lines) {
    if (!line.endsWith('↩')) {
      rest.push(line);
      continue;
    }
    while (rest.length && (rest.at(-1) === '' || rest.at(-1) === '-')) rest.pop();
    const body = line.slice(0, -1).replace(BULLET, '').trim();
    const numbered = /^(\d{1,3})[.)]\s+/.exec(body);
    const text = numbered ? body.slice(numbered[0].length) : body;
    if (text) notes.push({ number: numbered ? Number(numbered[1]) : notes.length + 1, text });
  }
  return { rest, notes };
}

/**
 * Removes footnote markers glued to words ("Futures1.", "Museum2") or to a year
 * ("Act 19983"), setting each footnote's anchor. A marker is only taken for a
 * footnote that exists and has no anchor yet, and only after a word with a
 * lower-case letter (so "HS2", "Q4", "M25" survive) or after a 19xx/20xx year;
 * free-standing numbers ("Fund 7", "1,184", "2026-2031") are left alone.
 */
export function markerStripper(notes: FootnoteInput[]): (text: string) => string {
  const byNumber = new Map(notes.map((n) => [n.number, n]));
  const GLUED = /(?<=\p{L})(\d{1,3})(?![\d\p{L}])|(?<![\d\p{L}£$€.,/-])((?:1[89]|20)\d\d)(\d{1,3})(?![\d\p{L}])/gu;
  return (text) => {
    if (!byNumber.size) return text;
    return text.replace(GLUED, (match, afterWord: string | undefined, year: string | undefined, afterYear: string | undefined, offset: number) => {
      const note = byNumber.get(Number(afterWord ?? afterYear));
      if (!note || note.anchor) return match;
      const before = text.slice(Math.max(0, offset - 60), offset);
      if (afterWord) {
        const word = /[\p{L}'’-]+$/u.exec(before)?.[0] ?? '';
        if (word.length < 3 || !/\p{Ll}/u.test(word)) return match;
        note.anchor = word;
        return '';
      }
      const previous = /(\p{L}+)\s+$/u.exec(before)?.[1];
      note.anchor = previous ? `${previous} ${year}` : year;
      return year!;
    });
  };
}

const DECISION = /^(?:the\s+)?(?:panel|committee|sub-committee|cabinet|council|board|forum|members|councillors)\s+(?:(?:then|also|unanimously|formally)\s+)?(?:agreed|noted|endorsed|approved|resolved|recommended|decided|rejected|refused|deferred|accepted|adopted|voted)\b/i;

/** Sentences in which the body records what it decided ("The panel noted the report."). */
export function decisionsIn(blocks: readonly Block[], section: string): DecisionInput[] {
  const found: DecisionInput[] = [];
  for (const block of blocks) {
    if (block.type !== 'paragraph') continue;
    for (const sentence of block.text.split(/(?<=[.!?])\s+(?=[A-Z“"'‘])/)) {
      if (DECISION.test(sentence)) found.push({ status: 'made', text: sentence.slice(0, 5000), section });
    }
  }
  return found;
}

/** The finished meeting, checked against the canonical schema so callers get an ImportError, never a ZodError. */
export function finish(meeting: MeetingInput, what: string): MeetingInput {
  const parsed = meetingSchema.safeParse(meeting);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new ImportError(`The ${what} does not make a valid meeting: ${first?.path || 'meeting'}: ${first?.message}`, issues);
}
