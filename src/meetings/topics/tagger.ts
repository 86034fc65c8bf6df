import type { Block } from '../schema.js';
import { blocksToText } from '../text.js';
import type { TopicDefinition } from './taxonomy.js';

/**
 * Tags text with topics by weighted keyword rules (term syntax: see
 * ./taxonomy.ts). Pure: compile the taxonomy once, then score as many texts
 * as needed with the compiled form.
 *
 * Score of a topic for one text (heading + body): the sum, over the topic's
 * rules that match at least once, of
 *   weight × (base + min(REPEAT_CAP, REPEAT_STEP × (matches − 1)))
 * where base is HEADING_FACTOR if any match is in the heading, else 1, and
 * matches counts heading and body together. So a rule counts once however
 * often it appears, repeats add at most half its weight again, and a generic
 * term cannot reach the threshold by repetition alone. A negative rule (a
 * false friend) first hides the topic's matches that lie inside its own
 * matches, then adds its (negative) score by the same formula.
 */

/** Headings say what an item is about, so a rule matched there counts double. */
export const HEADING_FACTOR = 2;
export const REPEAT_STEP = 0.25;
export const REPEAT_CAP = 0.5;

/** A taxonomy an operator wrote cannot be compiled; the message says which rule. */
export class TaxonomyError extends Error {
  override readonly name = 'TaxonomyError';
}

interface CompiledRule {
  readonly term: string;
  readonly weight: number;
  readonly pattern: RegExp;
  /** Run against the original text rather than the lower-cased copy. */
  readonly caseSensitive: boolean;
}

interface CompiledTopic {
  readonly slug: string;
  readonly threshold: number;
  readonly positive: readonly CompiledRule[];
  readonly negative: readonly CompiledRule[];
}

export interface CompiledTopics {
  readonly topics: readonly CompiledTopic[];
  readonly thresholds: ReadonlyMap<string, number>;
  /**
   * Rules by one word every match contains (exact, or the stem of a `*`
   * word), so a text's own words pick the few rules worth running: a
   * section meets hundreds of rules and contains the key of a handful.
   */
  readonly byWord: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly byStem: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly stemLengths: readonly number[];
}

export interface TopicScore {
  slug: string;
  score: number;
  /** Terms of the rules that counted: negative ones first, each group in taxonomy order. */
  matched: string[];
}

export interface TaggableText {
  heading?: string;
  text: string;
}

const APOSTROPHES = "'’‘";
const OPTIONAL_APOSTROPHE = `[${APOSTROPHES}]?`;
// Letters of the scripts council papers use (Latin with accents and Welsh, Greek, Cyrillic) and
// digits. Spelled out because \p{L} makes each of hundreds of regexes a hundred times slower to build.
const WORD_RANGES =
  '0-9A-Za-z\\u00AA\\u00B5\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF\\u1E00-\\u1EFF';
const WORD_CHAR = `[${WORD_RANGES}]`;
const TEXT_WORDS = new RegExp(`${WORD_CHAR}+(?:[${APOSTROPHES}]${WORD_CHAR}+)*`, 'g');
const ONE_WORD = new RegExp(`^${WORD_CHAR}+`);
// A possessive apostrophe may close a word of the text before the gap ("Carers' Conference").
const GAP = `${OPTIONAL_APOSTROPHE}[\\s\\-\\u2010\\u2011]+`;
const TERM_WORD_SPLIT = /[\s\-\u2010\u2011]+/;
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const stripApostrophes = (word: string) => word.replace(/['’‘]/g, '');

interface CompiledTerm {
  pattern: RegExp;
  caseSensitive: boolean;
  /** Lower case, apostrophes removed: a word every match contains, or the start of one when `prefix`. */
  key: string;
  prefix: boolean;
}

/**
 * Each word is literal text followed by a bounded character class or by the
 * next gap, so the regex never nests quantifiers and runs in linear time.
 * A case-insensitive term is compiled in lower case without the `i` flag and
 * run on a lower-cased copy of the text, which is cheaper than `i`.
 */
function compileTerm(term: string): CompiledTerm {
  let body = term.trim();
  const caseSensitive = body.length > 2 && body.startsWith('"') && body.endsWith('"');
  if (caseSensitive) body = body.slice(1, -1).trim();
  const words = body.split(TERM_WORD_SPLIT).filter((w) => w.length > 0);
  if (words.length === 0) throw new TaxonomyError(`empty term ${JSON.stringify(term)}`);

  let key: { key: string; prefix: boolean } | undefined;
  const parts = words.map((word) => {
    const prefix = word.endsWith('*');
    const stem = prefix ? word.slice(0, -1) : word;
    if (stem.length === 0 || stem.includes('*') || stem.includes('"')) {
      throw new TaxonomyError(
        `term ${JSON.stringify(term)}: "*" may only end a word and quotes must wrap the whole term`,
      );
    }
    const bare = lowerSameLength(stripApostrophes(stem));
    const run = ONE_WORD.exec(bare)?.[0];
    // The longest word is the rarest guess, so the index wakes the rule least often.
    if (run && run.length > (key?.key.length ?? 0)) key = { key: run, prefix: prefix && run === bare };
    const literal = [...(caseSensitive ? stem : lowerSameLength(stem))]
      .map((ch) => (APOSTROPHES.includes(ch) ? OPTIONAL_APOSTROPHE : ch.replace(REGEX_SYNTAX, '\\$&')))
      .join('');
    return prefix ? `${literal}${WORD_CHAR}*` : literal;
  });
  if (!key) throw new TaxonomyError(`term ${JSON.stringify(term)} needs a word with a letter or digit`);

  const source = `(?<!${WORD_CHAR})${parts.join(GAP)}(?!${WORD_CHAR})`;
  return { pattern: new RegExp(source, 'g'), caseSensitive, ...key };
}

/** Lower case that keeps every offset, so spans found in the copy fit the original. */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  return [...text].map((ch) => (ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch)).join('');
}

export function compileTopics(defs: readonly TopicDefinition[]): CompiledTopics {
  const slugs = new Set<string>();
  const byWord = new Map<string, CompiledRule[]>();
  const byStem = new Map<string, CompiledRule[]>();
  const topics = defs.map((def): CompiledTopic => {
    if (slugs.has(def.slug)) throw new TaxonomyError(`topic ${def.slug} is defined twice`);
    slugs.add(def.slug);
    if (!(def.threshold > 0)) throw new TaxonomyError(`topic ${def.slug}: threshold must be above 0`);
    const terms = new Set<string>();
    const compiled = def.rules.map((rule): CompiledRule => {
      if (terms.has(rule.term)) throw new TaxonomyError(`topic ${def.slug}: term "${rule.term}" appears twice`);
      terms.add(rule.term);
      if (!Number.isFinite(rule.weight) || rule.weight === 0) {
        throw new TaxonomyError(`topic ${def.slug}: term "${rule.term}" needs a non-zero weight`);
      }
      let term: CompiledTerm;
      try {
        term = compileTerm(rule.term);
      } catch (err) {
        throw err instanceof TaxonomyError ? new TaxonomyError(`topic ${def.slug}: ${err.message}`) : err;
      }
      const { pattern, caseSensitive } = term;
      const compiledRule = { term: rule.term, weight: rule.weight, pattern, caseSensitive };
      const index = term.prefix ? byStem : byWord;
      index.set(term.key, [...(index.get(term.key) ?? []), compiledRule]);
      return compiledRule;
    });
    return {
      slug: def.slug,
      threshold: def.threshold,
      positive: compiled.filter((r) => r.weight > 0),
      negative: compiled.filter((r) => r.weight < 0),
    };
  });
  const stemLengths = [...new Set([...byStem.keys()].map((stem) => stem.length))].sort((a, b) => a - b);
  const thresholds = new Map(topics.map((topic) => [topic.slug, topic.threshold]));
  return { topics, thresholds, byWord, byStem, stemLengths };
}

type Span = readonly [start: number, end: number];

interface Field {
  text: string;
  lower: string;
}

const field = (text: string): Field => ({ text, lower: lowerSameLength(text) });

/** The rules whose key word occurs in the text; the others cannot match. */
function candidateRules(compiled: CompiledTopics, fields: readonly Field[]): Set<CompiledRule> {
  const words = new Set<string>();
  for (const f of fields) {
    for (const token of f.lower.match(TEXT_WORDS) ?? []) {
      const joined = stripApostrophes(token);
      words.add(joined);
      // "children's" must wake rules keyed on "children" as well as on "childrens".
      if (joined.length !== token.length) for (const part of token.split(/['’‘]/)) words.add(part);
    }
  }
  const rules = new Set<CompiledRule>();
  for (const word of words) {
    for (const rule of compiled.byWord.get(word) ?? []) rules.add(rule);
    for (const length of compiled.stemLengths) {
      if (length > word.length) break;
      for (const rule of compiled.byStem.get(word.slice(0, length)) ?? []) rules.add(rule);
    }
  }
  return rules;
}

function spans(rule: CompiledRule, field: Field): Span[] {
  const subject = rule.caseSensitive ? field.text : field.lower;
  const found: Span[] = [];
  rule.pattern.lastIndex = 0;
  for (let m = rule.pattern.exec(subject); m; m = rule.pattern.exec(subject)) {
    found.push([m.index, m.index + m[0].length]);
  }
  return found;
}

function ruleScore(weight: number, headingHits: number, bodyHits: number): number {
  const hits = headingHits + bodyHits;
  if (hits === 0) return 0;
  const base = headingHits > 0 ? HEADING_FACTOR : 1;
  return weight * (base + Math.min(REPEAT_CAP, REPEAT_STEP * (hits - 1)));
}

function scoreTopic(topic: CompiledTopic, candidates: Set<CompiledRule>, heading: Field, body: Field): TopicScore {
  let score = 0;
  const matched: string[] = [];
  const hidden: { heading: Span[]; body: Span[] } = { heading: [], body: [] };
  for (const rule of topic.negative) {
    if (!candidates.has(rule)) continue;
    const h = spans(rule, heading);
    const b = spans(rule, body);
    if (h.length + b.length === 0) continue;
    hidden.heading.push(...h);
    hidden.body.push(...b);
    score += ruleScore(rule.weight, h.length, b.length);
    matched.push(rule.term);
  }
  const visible = (found: Span[], masks: Span[]) =>
    masks.length === 0
      ? found.length
      : found.filter(([s, e]) => !masks.some(([ms, me]) => s >= ms && e <= me)).length;
  for (const rule of topic.positive) {
    if (!candidates.has(rule)) continue;
    const h = visible(spans(rule, heading), hidden.heading);
    const b = visible(spans(rule, body), hidden.body);
    if (h + b === 0) continue;
    score += ruleScore(rule.weight, h, b);
    matched.push(rule.term);
  }
  return { slug: topic.slug, score: Math.round(score * 1000) / 1000, matched };
}

/** Scores of the topics with at least one matching rule, highest first (ties in taxonomy order). */
export function scoreText(compiled: CompiledTopics, input: TaggableText): TopicScore[] {
  const heading = field(input.heading ?? '');
  const body = field(input.text);
  const candidates = candidateRules(compiled, [heading, body]);
  return compiled.topics
    .map((topic) => scoreTopic(topic, candidates, heading, body))
    .filter((s) => s.matched.length > 0)
    .sort((a, b) => b.score - a.score);
}

/** The topics whose score reaches their threshold, highest score first. */
function tagScores(compiled: CompiledTopics, input: TaggableText): TopicScore[] {
  return scoreText(compiled, input).filter((s) => s.score >= (compiled.thresholds.get(s.slug) ?? Infinity));
}

/** Slugs whose score reaches their topic's threshold, highest score first. */
export function tagText(compiled: CompiledTopics, input: TaggableText): string[] {
  return tagScores(compiled, input).map((s) => s.slug);
}

export interface TaggableMeeting {
  summary: string;
  sections: readonly { heading: string; blocks: readonly Block[] }[];
}

export interface ScoredTag {
  slug: string;
  score: number;
}

/**
 * Every section, level 1 or 2, is tagged on its own heading and blocks (read
 * as blocksToText gives them, list items a line each): a sub-heading's topics
 * are not inherited from, nor lent to, its parent item.
 * The meeting gets every topic of its sections plus what the summary alone
 * earns, ordered by how many sections carry it (the summary counts as one),
 * then in taxonomy order; its score for a topic is the best any part earned.
 * Each text is scored once.
 */
export function scoreMeeting(
  compiled: CompiledTopics,
  meeting: TaggableMeeting,
): { meeting: ScoredTag[]; sections: ScoredTag[][] } {
  const strip = (scores: TopicScore[]) => scores.map(({ slug, score }) => ({ slug, score }));
  const sections = meeting.sections.map((s) => strip(tagScores(compiled, { heading: s.heading, text: blocksToText(s.blocks) })));
  const best = new Map<string, { count: number; score: number }>();
  for (const tag of [...sections.flat(), ...strip(tagScores(compiled, { text: meeting.summary }))]) {
    const seen = best.get(tag.slug);
    best.set(tag.slug, { count: (seen?.count ?? 0) + 1, score: Math.max(seen?.score ?? 0, tag.score) });
  }
  const order = compiled.topics.map((t) => t.slug);
  const topics = [...best.keys()].sort(
    (a, b) => best.get(b)!.count - best.get(a)!.count || order.indexOf(a) - order.indexOf(b),
  );
  return { meeting: topics.map((slug) => ({ slug, score: best.get(slug)!.score })), sections };
}

/** The slugs of scoreMeeting. */
export function tagMeeting(
  compiled: CompiledTopics,
  meeting: TaggableMeeting,
): { meeting: string[]; sections: string[][] } {
  const scored = scoreMeeting(compiled, meeting);
  const slugs = (tags: ScoredTag[]) => tags.map((tag) => tag.slug);
  return { meeting: slugs(scored.meeting), sections: scored.sections.map(slugs) };
}
