import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { meetings, sections } from '../db/schema/index.js';
import { listTopicsWithRules, type TopicChange } from '../meetings/catalogue.js';
import { compileTopics, tagText } from '../meetings/topics/tagger.js';
import { blocksToText } from '../meetings/text.js';

export interface SectionExample {
  meeting: string;
  heading: string;
}

/** What saving a topic's new rules and retagging would do to its sections. */
export interface TopicEffect {
  slug: string;
  sectionsChecked: number;
  /** Sections the new rules tag that the current ones do not. */
  tagged: number;
  /** Sections the current rules tag that the new ones do not. */
  untagged: number;
  examplesTagged: SectionExample[];
  examplesUntagged: SectionExample[];
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
}

/**
 * Runs one topic's current and proposed rules over every stored section and
 * counts the difference: what a retag after saving would change. A topic's
 * score does not depend on the others, so only it is compiled. Sections are
 * read a batch at a time. Sections whose topics an import gave by hand keep
 * them on retag; they are counted here as the rules see them.
 */
export async function topicEffect(db: Db, slug: string, change: Pick<TopicChange, 'threshold' | 'rules'>, options: { examples?: number; batch?: number } = {}): Promise<TopicEffect> {
  const examples = options.examples ?? 5;
  const topic = (await listTopicsWithRules(db)).find((each) => each.slug === slug);
  if (!topic) throw new UnknownTopicError(`No topic ${slug}`);
  // A bad term throws TaxonomyError here, before anything is read.
  const current = compileTopics([topic]);
  const proposed = compileTopics([{ ...topic, threshold: change.threshold ?? topic.threshold, rules: change.rules ?? topic.rules }]);
  const effect: TopicEffect = { slug, sectionsChecked: 0, tagged: 0, untagged: 0, examplesTagged: [], examplesUntagged: [] };
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ id: sections.id, heading: sections.heading, blocks: sections.blocks, meeting: meetings.title })
      .from(sections)
      .innerJoin(meetings, eq(meetings.id, sections.meetingId))
      .where(gt(sections.id, after))
      .orderBy(asc(sections.id))
      .limit(options.batch ?? 500);
    if (!rows.length) break;
    for (const row of rows) {
      const input = { heading: row.heading, text: blocksToText(row.blocks) };
      const before = tagText(current, input).includes(slug);
      const now = tagText(proposed, input).includes(slug);
      effect.sectionsChecked += 1;
      if (now && !before) {
        effect.tagged += 1;
        if (effect.examplesTagged.length < examples) effect.examplesTagged.push({ meeting: row.meeting, heading: row.heading });
      } else if (before && !now) {
        effect.untagged += 1;
        if (effect.examplesUntagged.length < examples) effect.examplesUntagged.push({ meeting: row.meeting, heading: row.heading });
      }
    }
    after = rows.at(-1)!.id;
  }
  return effect;
}

/** Rules as operators type them: one a line, "term: weight" (a negative weight for a false friend). */
export function parseRules(text: string): { rules: { term: string; weight: number }[]; problems: string[] } {
  const rules: { term: string; weight: number }[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const match = /^(.+?):\s*(-?\d+(?:\.\d+)?)\s*$/.exec(line.trim());
    if (!match) {
      problems.push(`Line ${index + 1}: write it as "term: weight", e.g. "care leaver*: 3"`);
      return;
    }
    const weight = Number(match[2]);
    if (Math.abs(weight) > 100) problems.push(`Line ${index + 1}: a weight is from -100 to 100`);
    rules.push({ term: match[1]!.trim(), weight });
  });
  const terms = rules.map((rule) => rule.term.toLowerCase());
  const repeated = terms.filter((term, index) => terms.indexOf(term) !== index);
  if (repeated.length) problems.push(`Each term once: ${[...new Set(repeated)].join(', ')}`);
  return { rules, problems };
}

export function formatRules(rules: { term: string; weight: number }[]): string {
  return rules.map((rule) => `${rule.term}: ${rule.weight}`).join('\n');
}
