import { ImportError } from '../errors.js';
import type { AttendeeInput, DecisionInput, MeetingInput, SectionInput } from '../schema.js';
import { finish, isHeadingShaped, isoDate, readItems, toBlocks, toIso, toLines, ymd, type Ymd } from './text-utils.js';

export interface ReportOptions {
  /** IANA zone the report's dates are in; default Europe/London. */
  timeZone?: string;
  /** Default "Hertfordshire County Council". */
  council?: string;
}

const PORTFOLIO = /^PORTFOLIO:\s*(.{1,200})$/i;
/** "1. Cabinet decisions since ..."; "5.1" is not a section (the \D). */
const SECTION = /^(\d{1,2})\.\s+(\D.{0,250})$/;
/** "5.1 Nascot Lawn" (a sub-heading) or "- 1.1 There will have been ..." (a numbered paragraph). */
const NUMBERED = /^(-\s+)?\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+(.+)$/;
/** A meeting that took the decisions listed after it: "Cabinet – 13 November 2017". */
const SITTING = /^(\p{Lu}[\p{L}' ]{1,60}?)\s+[-–—]\s+(\d{1,2})\s+(\p{L}{3,9})\s+(\d{4})$/u;
const REFERENCE = /^(\p{Lu}{1,3}\d{2,4}\/\d{2,4})\s*[-–—]\s*([^:]{1,300}):\s*(.+)$/u;
const SUBJECT = /^(?:The\s+)?(\p{Lu}[\p{L}-]*(?:\s+\p{Lu}[\p{L}-]*){0,3})\s+(?:approved|agreed|resolved|decided|noted|endorsed|will)\b/u;
/** Character classes exclude "[" and ")" so a long run of brackets cannot make this quadratic. */
const LINK = /\[([^[\]\n]{1,300})\]\([^)\s]{0,500}\)/g;
const LINK_ONLY = /^\[[^[\]\n]{1,300}\]\([^)\s]{0,500}\)$/;
const DATE_LINE = /^(?:(\d{1,2})\s+)?(\p{L}{3,9})\s+(\d{4})$/u;
const ROLE = /\b(?:member|leader|portfolio holder|mayor|councillor)\b/i;
const NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){1,4}$/u;

interface Part { heading: string; level: 1 | 2; lines: string[]; status: DecisionInput['status'] }

export function parseExecutiveReport(text: string, options: ReportOptions = {}): MeetingInput {
  const zone = options.timeZone ?? 'Europe/London';
  if (!text.trim()) throw new ImportError('The report text is empty: expected an Executive Member report to County Council.');
  const lines = toLines(text);
  const signature = takeSignature(lines);
  if (!signature) {
    throw new ImportError(
      'Could not find the report date: expected the report to end with the author, their role and a month line such as "March 2018".',
    );
  }
  const portfolioAt = lines.findIndex((l, i) => i < signature.end && PORTFOLIO.test(l));
  const { preamble, parts } = readParts(lines.slice(portfolioAt + 1, signature.end));
  const portfolio = portfolioName(portfolioAt >= 0 ? PORTFOLIO.exec(lines[portfolioAt]!)![1]! : undefined, signature.role);
  if (!portfolio && parts.length === 0) {
    throw new ImportError('This does not look like an Executive Member report: expected a "PORTFOLIO:" line or numbered sections like "1. Cabinet decisions ...".');
  }

  const sections: SectionInput[] = parts.map((p) => ({ heading: p.heading, level: p.level, blocks: toBlocks(readItems(p.lines)), agenda: [] }));
  const author: AttendeeInput[] = signature.name ? [{ name: signature.name, ...(signature.role && { role: signature.role }) }] : [];
  const by = signature.name ? ` by ${signature.name}${signature.role ? `, ${signature.role}` : ''}` : '';
  const topics = parts.filter((p) => p.level === 2).map((p) => p.heading);
  const summary = [
    `${portfolio ? `The ${portfolio} portfolio report` : 'An Executive Member report'} to County Council${by}, ${signature.dateText}.`,
    ...(topics.length ? [`It also covers: ${topics.join('; ')}.`] : []),
    ...toBlocks(readItems(preamble)).map((b) => (b.type === 'paragraph' ? b.text : b.items.map((i) => `- ${i}`).join('\n'))),
  ].join('\n\n');

  return finish(
    {
      council: options.council?.trim() || 'Hertfordshire County Council',
      committee: 'County Council',
      title: `Executive Member report${portfolio ? `: ${portfolio}` : ''} (${signature.dateText})`,
      kind: 'report',
      status: 'held',
      startsAt: toIso(signature.date, undefined, zone),
      summary,
      sections,
      attendees: author,
      decisions: decisionsOf(parts, sections),
    },
    'report',
  );
}

/** The closing block: author, role, then "March 2018" (or a full date) as the last lines. */
function takeSignature(lines: string[]): { end: number; date: Ymd; dateText: string; name?: string; role?: string } | undefined {
  const filled: number[] = [];
  for (let i = lines.length - 1; i >= 0 && filled.length < 3; i--) if (lines[i]) filled.push(i);
  const [dateAt, roleAt, nameAt] = filled;
  const m = dateAt === undefined ? null : DATE_LINE.exec(lines[dateAt]!);
  const date = m ? ymd(m[3]!, m[2]!, m[1] ?? '1') : undefined;
  if (!date) return undefined;
  const role = roleAt !== undefined && lines[roleAt]!.length <= 150 && ROLE.test(lines[roleAt]!) ? lines[roleAt] : undefined;
  const name = role && nameAt !== undefined && NAME.test(lines[nameAt]!) ? lines[nameAt] : undefined;
  return {
    end: name ? nameAt! : role ? roleAt! : dateAt!,
    date,
    dateText: lines[dateAt!]!,
    ...(name && { name }),
    ...(role && { role }),
  };
}

/** "CHILDREN'S SERVICES" reads better as the author's role spells it ("... for Children's Services"). */
function portfolioName(shouted: string | undefined, role: string | undefined): string | undefined {
  if (!shouted) return /\bfor (.+)$/i.exec(role ?? '')?.[1];
  const at = role ? role.toLowerCase().indexOf(shouted.toLowerCase()) : -1;
  if (role && at >= 0) return role.slice(at, at + shouted.length);
  return shouted
    .toLowerCase()
    .split(' ')
    .map((w, i) => (i > 0 && ['and', 'of', 'for', 'the'].includes(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

function statusOf(heading: string): DecisionInput['status'] {
  if (/consequence/i.test(heading)) return 'consequence';
  return /anticipat|future|forthcoming/i.test(heading) ? 'anticipated' : 'made';
}

/** Numbered sections and sub-headings; numbered paragraphs lose their "- 1.1" and links keep their text. */
function readParts(body: string[]): { preamble: string[]; parts: Part[] } {
  const preamble: string[] = [];
  const parts: Part[] = [];
  for (const raw of body) {
    const line = raw.replace(LINK, '$1');
    const top = SECTION.exec(line);
    if (top && top[2]!.split(' ').length <= 25) {
      const heading = top[2]!.replace(/\.$/, '');
      parts.push({ heading, level: 1, lines: [], status: statusOf(heading) });
      continue;
    }
    const numbered = NUMBERED.exec(line);
    const content = numbered ? numbered[2]! : line;
    const parent = parts.at(-1);
    if (numbered && !numbered[1] && !SITTING.test(content) && isHeadingShaped(content)) {
      parts.push({ heading: content, level: 2, lines: [], status: parent?.status ?? 'made' });
      continue;
    }
    // A line that is only a link is one of a list of links ("the following locations:-").
    (parent?.lines ?? preamble).push(LINK_ONLY.test(raw) ? `- ${content}` : content);
  }
  return { preamble, parts };
}

/** "A003/18 - Title: text" paragraphs, dated by the "Cabinet – 19 February 2019" line above them. */
function decisionsOf(parts: Part[], sections: SectionInput[]): DecisionInput[] {
  const decisions: DecisionInput[] = [];
  let sitting: { by: string; on: Ymd } | undefined;
  sections.forEach((section, i) => {
    if (section.level === 1) sitting = undefined;
    for (const block of section.blocks ?? []) {
      if (block.type !== 'paragraph') continue;
      const s = SITTING.exec(block.text);
      const on = s ? ymd(s[4]!, s[3]!, s[2]!) : undefined;
      if (s && on) sitting = { by: s[1]!.trim(), on };
      const r = REFERENCE.exec(block.text);
      if (!r) continue;
      const decidedBy = sitting?.by ?? SUBJECT.exec(r[3]!)?.[1];
      decisions.push({
        reference: r[1]!,
        title: r[2]!.trim(),
        text: r[3]!.slice(0, 5000),
        status: parts[i]!.status,
        section: section.heading,
        ...(decidedBy && { decidedBy }),
        ...(sitting && { decidedOn: isoDate(sitting.on) }),
      });
    }
  });
  return decisions;
}
