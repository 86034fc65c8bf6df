/**
 * Which follows the agenda items of some meetings match: what the digests'
 * "Items you follow", a subscriber's calendar and the alert pass all read.
 * One pass over the meetings' items, three lookups by what follows look for.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { pgArray } from '../db/arrays.js';
import type { Db } from '../db/client.js';
import { councils, follows, meetings, sections, type FollowKind } from '../db/schema/index.js';
import { blocksToText } from '../meetings/text.js';
import { normalisePhrase, planningReferences } from './match.js';

export interface FollowMatch {
  followId: number;
  subscriberId: number;
  kind: FollowKind;
  value: string;
  label: string;
  alerts: boolean;
  meetingId: number;
  /** The agenda item that matched (a section of the meeting). */
  sectionId: number;
  heading: string;
}

export interface MatchOptions {
  /** Only these subscribers' follows (a digest batch, one calendar). */
  subscriberIds?: readonly number[];
  /** These follows, read already (a send batch's, with its recipients: `followsColumn`). */
  follows?: readonly FollowRow[];
  /** Only follows that alert. */
  alertingOnly?: boolean;
}

/** The longest phrase, in words, looked for inside a title (phrases are at most 200 characters). */
const longestPhraseWords = 40;

/** What one agenda item offers to each kind of follow: read once, matched against any number of follows. */
export interface ItemOffer {
  item: { id: number; meetingId: number; heading: string };
  references: string[];
  issue: string | null;
  runs: string[];
  /** Every `kind\0value` a follow of this item would have, strongest first: what matching looks up. */
  keys: string[];
}

/**
 * Every (follow, item) pair where one of these meetings lists a followed
 * matter, in meeting then item order. Matching is `itemMatches`'s
 * (follows/match.ts), done here as lookups: the references and issue ids the
 * items carry, and each title's runs of whole words against the phrases
 * followed, so the cost grows with the items read, not with the follows kept.
 */
export async function followMatches(db: Db, meetingIds: readonly number[], options: MatchOptions = {}): Promise<FollowMatch[]> {
  if (meetingIds.length === 0) return [];
  return matchFollows(db, () => itemOffers(db, meetingIds), options);
}

/** The agenda items of these meetings, each with what it offers to follows, in meeting then item order. */
export async function itemOffers(db: Db, meetingIds: readonly number[]): Promise<ItemOffer[]> {
  if (meetingIds.length === 0) return [];
  const items = await db
    .select({ id: sections.id, meetingId: sections.meetingId, heading: sections.heading, body: sections.body, agenda: sections.agenda, issueId: sections.issueId, council: councils.slug })
    .from(sections)
    .innerJoin(meetings, eq(meetings.id, sections.meetingId))
    .innerJoin(councils, eq(councils.id, meetings.councilId))
    .where(sql`${sections.meetingId} = any(${pgArray(meetingIds, 'bigint')})`)
    .orderBy(sections.meetingId, sections.position);
  return items.map((item) => {
    const references = planningReferences(`${item.heading}\n${blocksToText(item.agenda)}\n${item.body}`);
    const issue = item.issueId ? `${item.council}:${item.issueId}` : null;
    const runs = wordRuns(normalisePhrase(item.heading));
    const keys = [...references.map((value) => followKey('reference', value)), ...(issue ? [followKey('issue', issue)] : []), ...runs.map((value) => followKey('phrase', value))];
    return { item: { id: item.id, meetingId: item.meetingId, heading: item.heading }, references, issue, runs, keys };
  });
}

/**
 * `followMatches` over items read already (`offersOf`, asked only when
 * there are follows to match: a run reads its week's items once, not once a
 * batch). A few subscribers' follows (a digest batch, one calendar) are read
 * whole, which is one index look-up and a handful of rows; every follow (the
 * alert pass) is looked up by what the items offer.
 */
export async function matchFollows(db: Db, offersOf: () => Promise<ItemOffer[]>, options: MatchOptions = {}): Promise<FollowMatch[]> {
  if (options.follows) {
    const found = options.follows.filter((follow) => !options.alertingOnly || follow.alerts).sort((a, b) => a.id - b.id);
    return found.length ? pairs(await offersOf(), found) : [];
  }
  if (options.subscriberIds?.length === 0) return [];
  const columns = { id: follows.id, subscriberId: follows.subscriberId, kind: follows.kind, value: follows.value, label: follows.label, alerts: follows.alerts };
  const alerting = options.alertingOnly ? eq(follows.alerts, true) : undefined;
  if (options.subscriberIds) {
    const found = await db
      .select(columns)
      .from(follows)
      // One array parameter: drizzle's inArray makes a batch of 100 subscribers 100 parameters, and building that cost more than running it.
      .where(and(sql`${follows.subscriberId} = any(${pgArray(options.subscriberIds, 'bigint')})`, alerting))
      .orderBy(follows.id);
    return found.length ? pairs(await offersOf(), found) : [];
  }
  const offers = await offersOf();
  if (offers.length === 0) return [];
  const wanted = {
    reference: [...new Set(offers.flatMap((offer) => offer.references))],
    issue: [...new Set(offers.flatMap((offer) => (offer.issue ? [offer.issue] : [])))],
    phrase: await phrasesAmong(db, new Set(offers.flatMap((offer) => offer.runs)), alerting),
  };
  const keys = (Object.keys(wanted) as FollowKind[]).filter((kind) => wanted[kind].length > 0);
  if (keys.length === 0) return [];
  const found = await db
    .select(columns)
    .from(follows)
    .where(
      and(
        sql`(${sql.join(
          keys.map((kind) => sql`(${follows.kind} = ${kind} and ${follows.value} = any(${pgArray(wanted[kind], 'text')}))`),
          sql` or `,
        )})`,
        alerting,
      ),
    )
    .orderBy(follows.id);
  return pairs(offers, found);
}

const followKey = (kind: FollowKind, value: string) => `${kind}\u0000${value}`;

/** A follow as matching reads it. */
export type FollowRow = Pick<FollowMatch, 'subscriberId' | 'kind' | 'value' | 'label' | 'alerts'> & { id: number };

/**
 * A subscriber's follows as one column of a query over subscribers
 * (`subscriberId`: that query's id column, written so that it cannot mean
 * follows' own), in id order: a send batch reads its recipients and what
 * they follow in one statement.
 */
export function followsColumn(subscriberId: SQL): SQL<FollowRow[]> {
  return sql<FollowRow[]>`coalesce((select json_agg(json_build_object('id', f.id, 'subscriberId', f.subscriber_id, 'kind', f.kind,
    'value', f.value, 'label', f.label, 'alerts', f.alerts) order by f.id) from ${follows} f where f.subscriber_id = ${subscriberId}), '[]'::json)`;
}

/** Each item with each follow one of its keys names, once per (follow, item). */
function pairs(offers: ItemOffer[], found: FollowRow[]): FollowMatch[] {
  const byKey = new Map<string, FollowRow[]>();
  for (const follow of found) {
    const key = followKey(follow.kind, follow.value);
    byKey.set(key, [...(byKey.get(key) ?? []), follow]);
  }
  const matches: FollowMatch[] = [];
  for (const { item, keys } of offers) {
    // Most items match none of a batch's follows: no set for them.
    let seen: Set<number> | undefined;
    for (const key of keys) {
      for (const follow of byKey.get(key) ?? []) {
        if (seen?.has(follow.id)) continue;
        (seen ??= new Set()).add(follow.id);
        matches.push({
          followId: follow.id,
          subscriberId: follow.subscriberId,
          kind: follow.kind,
          value: follow.value,
          label: follow.label,
          alerts: follow.alerts,
          meetingId: item.meetingId,
          sectionId: item.id,
          heading: item.heading,
        });
      }
    }
  }
  return matches;
}

/** Every run of two or more whole words in a normalised title: the phrases that title holds. */
function wordRuns(title: string): string[] {
  const words = title ? title.split(' ') : [];
  const runs: string[] = [];
  for (let start = 0; start < words.length; start += 1) {
    for (let end = start + 2; end <= Math.min(words.length, start + longestPhraseWords); end += 1) runs.push(words.slice(start, end).join(' '));
  }
  return runs;
}

/** Which of these runs are followed phrases: one look-up by the (kind, value) index, the runs as one array parameter. */
async function phrasesAmong(db: Db, runs: Set<string>, alerting: SQL | undefined): Promise<string[]> {
  if (runs.size === 0) return [];
  const rows = await db
    .selectDistinct({ value: follows.value })
    .from(follows)
    .where(and(eq(follows.kind, 'phrase'), sql`${follows.value} = any(${pgArray([...runs], 'text')})`, alerting));
  return rows.map((row) => row.value);
}
