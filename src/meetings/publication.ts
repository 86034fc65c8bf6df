import type { Origin } from '../db/schema/index.js';
import type { Block } from './schema.js';
import { blocksToText } from './text.js';

/**
 * Councils publish a meeting in parts, at different times: the agenda about
 * a week before, the minutes and decisions days or weeks after, a summary
 * page whenever it is written. The store keeps when each part was first
 * published and when it last changed substantially, as harvests and imports
 * bring them; nothing is guessed from when a run happens. Pure functions.
 */

export const parts = ['agenda', 'minutes', 'summary'] as const;
export type Part = (typeof parts)[number];

/** A part's text as a writer gives it; '' when the writer has none of it. */
export type PartTexts = Partial<Record<Part, string>>;

export interface PartStamps {
  publishedAt: Date | null;
  changedAt: Date | null;
}
export type PublicationStamps = Record<Part, PartStamps>;

interface Written {
  summary?: string;
  sections: readonly { heading: string; blocks: readonly Block[]; agenda?: readonly Block[] }[];
  decisions: readonly { text: string }[];
}

/**
 * What each writer publishes: a harvest, the agenda (its items' titles and agenda text) and
 * the minutes (their text and the decisions); an imported record or page,
 * the summary (its summary, sections and decisions).
 */
export function partTexts(written: Written, origin: Origin): PartTexts {
  const decided = written.decisions.map((decision) => decision.text);
  if (origin === 'harvest') {
    return {
      agenda: written.sections.map((section) => [section.heading, blocksToText(section.agenda ?? [])].filter(Boolean).join('\n')).join('\n'),
      minutes: [...written.sections.map((section) => blocksToText(section.blocks)), ...decided].filter(Boolean).join('\n\n'),
    };
  }
  return {
    summary: [written.summary ?? '', ...written.sections.map((section) => `${section.heading}\n${blocksToText(section.blocks)}`), ...decided].filter(Boolean).join('\n\n'),
  };
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu) ?? [];
/** Figures as written: "£1.2m", "54.2%", "2025-26", "17". */
const figures = (text: string) => new Set(text.match(/[£$€]?\d[\d,.]*(?:\s?(?:%|m|bn|k|million|billion))?/gi) ?? []);

/** Share of words in one text and not the other, over the longer: 0 for the same words in any order. */
function wordDistance(before: string, after: string): number {
  const count = (list: string[]) => list.reduce((map, word) => map.set(word, (map.get(word) ?? 0) + 1), new Map<string, number>());
  const a = count(words(before));
  const b = count(words(after));
  let shared = 0;
  for (const [word, n] of a) shared += Math.min(n, b.get(word) ?? 0);
  const longer = Math.max([...a.values()].reduce((x, y) => x + y, 0), [...b.values()].reduce((x, y) => x + y, 0));
  return longer === 0 ? 0 : 1 - shared / longer;
}

/** How much of a part's words must change for the change to count, when no figure changed. */
export const substantialShare = 0.15;

/**
 * Whether a part changed enough to be news again: a figure appeared,
 * disappeared or changed (a corrected £1.2m is news), or at least 15% of its
 * words did. Typos, punctuation, layout, the order of paragraphs and a
 * word or two here and there are not.
 */
export function substantialChange(before: string, after: string): boolean {
  if (before === after) return false;
  const [old, now] = [figures(before), figures(after)];
  if (old.size !== now.size || [...old].some((figure) => !now.has(figure))) return true;
  return wordDistance(before, after) >= substantialShare;
}

/**
 * The stamps after a writer stores its parts: a part that was empty and now
 * is not is published (and changed) now; a published part that changed
 * substantially is changed now; anything else keeps its stamps.
 */
export function stampParts(before: PartTexts, after: PartTexts, stamps: PublicationStamps, now: Date): PublicationStamps {
  const next = { ...stamps };
  for (const part of parts) {
    if (after[part] === undefined) continue;
    const had = (before[part] ?? '').trim();
    const has = (after[part] ?? '').trim();
    if (!has) continue;
    if (!had || !stamps[part].publishedAt) {
      next[part] = { publishedAt: stamps[part].publishedAt ?? now, changedAt: now };
    } else if (substantialChange(had, has)) {
      next[part] = { ...stamps[part], changedAt: now };
    }
  }
  return next;
}
