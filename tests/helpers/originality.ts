import type { MeetingInput } from '../../src/meetings/schema.js';

/** Straight quotes, plain hyphens, single spaces, lower case. */
export function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Sentences of a text, without their closing punctuation. */
export function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+/)
    .map((s) => normalise(s).replace(/[.!?:;,]+$/, '').trim())
    .filter((s) => s.length > 0);
}

const wordCount = (sentence: string) => sentence.split(' ').filter(Boolean).length;

/** Our sentences of 12 or more words that appear word for word in the source: what the originality guards forbid. */
export function copiedSentences(ours: readonly string[], source: string): string[] {
  const text = normalise(source);
  return ours.flatMap(sentences).filter((s) => wordCount(s) >= 12 && text.includes(s));
}

/** Every piece of prose in a record: summary, blocks, decisions, footnotes (not headings, names or titles). */
export function ownProse(meeting: MeetingInput): string[] {
  const texts = [meeting.summary ?? ''];
  for (const section of meeting.sections ?? []) {
    for (const block of section.blocks ?? []) {
      if (block.type === 'paragraph') texts.push(block.text);
      else texts.push(...block.items);
    }
  }
  for (const decision of meeting.decisions ?? []) texts.push(decision.text);
  for (const footnote of meeting.footnotes ?? []) texts.push(footnote.text);
  return texts;
}
