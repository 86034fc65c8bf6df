import { LRUCache } from 'lru-cache';

/**
 * Key figures: the money, percentages and counts a reader scans for, pulled
 * out of a section's text with the sentence that gives them meaning.
 */
export type FigureKind = 'money' | 'percent' | 'count';

export interface KeyFigure {
  value: string;
  kind: FigureKind;
  /** The whole sentence it came from, without a list item's "Label:" lead-in. */
  context: string;
}

/** A figure is quoted with its whole sentence; one in a sentence longer than this is not a key figure. */
const longestSentence = 400;

const months = 'January|February|March|April|May|June|July|August|September|October|November|December';
const timeUnits = 'years?|months?|weeks?|days?|hours?|minutes?|am|pm';

// Never glued to a digit, slash, dot or hyphen: "2024/25", "HSF 7", "10.30" are not figures.
const notGlued = String.raw`(?<![\w/.,\-£$€])`;
// Nor the end of a range or an age: "aged 17 to 21 were".
const notRangeEnd = String.raw`(?<!\b(?:to|aged|and)\s)`;
const number = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;

const patterns: { kind: FigureKind; pattern: RegExp }[] = [
  {
    kind: 'money',
    pattern: new RegExp(String.raw`[£$€]\s?(?:${number})(?:\s?(?:million|billion|bn|m|k)\b)?`, 'gi'),
  },
  {
    kind: 'percent',
    pattern: new RegExp(String.raw`${notGlued}(?:${number})\s?(?:%|per\s?cent\b)`, 'gi'),
  },
  {
    // A count is a number with thousands separators, or two or more digits
    // before a word: never a year, a date, a time span or a range ("11 to 5").
    kind: 'count',
    pattern: new RegExp(
      String.raw`${notGlued}${notRangeEnd}(?:\d{1,3}(?:,\d{3})+|(?!(?:19|20)\d\d\b)\d{2,})(?=\s+(?!(?:to|and|or|of|per|${months}|${timeUnits})\b)[a-z])|${notGlued}\d{1,3}(?:,\d{3})+\b`,
      'g',
    ),
  },
];

/** Money is the surest reading of a number, then "1,184" (separators mean a quantity), then percentages; a bare count is the least sure. */
function rank(figure: { kind: FigureKind; value: string }): number {
  if (figure.kind === 'count') return figure.value.includes(',') ? 1 : 3;
  return figure.kind === 'money' ? 0 : 2;
}

/** Sentences of a text; decimals and "£10.8" do not split. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z\d£"“‘(])/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

/** "Retention: Keeping staff is harder..." → label "Retention"; only short lead-ins count as labels. */
export function splitLabel(text: string): { label: string | null; text: string } {
  const match = /^([^:]{1,60}):\s+(.+)$/s.exec(text);
  return match && match[1]!.split(/\s+/).length <= 6 ? { label: match[1]!, text: match[2]! } : { label: null, text };
}

/** The figures of one paragraph or list item: one per sentence, the surest reading, quoted with its whole sentence. */
export function figuresIn(text: string): KeyFigure[] {
  const found: KeyFigure[] = [];
  for (const sentence of sentences(text)) {
    if (sentence.length > longestSentence) continue;
    const candidates = patterns.flatMap(({ kind, pattern }) =>
      [...sentence.matchAll(pattern)].map((match) => ({ kind, value: match[0].trim(), at: match.index })),
    );
    if (candidates.length === 0) continue;
    candidates.sort((a, b) => rank(a) - rank(b) || a.at - b.at);
    const best = candidates[0]!;
    found.push({ value: best.value, kind: best.kind, context: splitLabel(sentence).text });
  }
  return found;
}

/**
 * figuresIn, kept for the texts met lately: a run reads the same paragraphs
 * and decisions for every filter set that shows them (the figures are shared,
 * never changed).
 */
const readFigures = new LRUCache<string, KeyFigure[]>({ max: 5000 });

function figuresRead(text: string): KeyFigure[] {
  let figures = readFigures.get(text);
  if (figures === undefined) readFigures.set(text, (figures = figuresIn(text)));
  return figures;
}

/**
 * The key figures of a meeting from its sections' paragraphs, list items and
 * decisions, taking turns between sections so one long report does not crowd
 * out the rest, each section's surest first (money before a bare count); the
 * same value once only.
 */
export function keyFigures(sections: string[][], limit = 6): KeyFigure[] {
  const perText = sections.map((pieces) => pieces.flatMap(figuresRead).sort((a, b) => rank(a) - rank(b)));
  const picked: KeyFigure[] = [];
  const seen = new Set<string>();
  for (let round = 0; picked.length < limit && perText.some((figures) => figures.length > round); round += 1) {
    for (const figures of perText) {
      const figure = figures[round];
      if (!figure || seen.has(figure.value) || picked.length >= limit) continue;
      seen.add(figure.value);
      picked.push(figure);
    }
  }
  return picked;
}
