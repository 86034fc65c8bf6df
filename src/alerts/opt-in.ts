import { and, asc, eq, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { alertCommittees, committees, councils } from '../db/schema/index.js';

/**
 * Committee opt-ins: a subscriber asks for an alert whenever one committee
 * publishes a new agenda, whatever it lists. Named in forms as
 * `<council slug>/<committee slug>`, as filters name committees.
 */

export interface AlertCommittee {
  /** `<council slug>/<committee slug>`. */
  slug: string;
  committee: string;
  council: string;
}

/** The committees a subscriber gets every new agenda of, by council then committee. */
export async function alertCommitteesOf(db: Db, subscriberId: number): Promise<AlertCommittee[]> {
  const rows = await db
    .select({ councilSlug: councils.slug, council: councils.name, committeeSlug: committees.slug, committee: committees.name })
    .from(alertCommittees)
    .innerJoin(committees, eq(committees.id, alertCommittees.committeeId))
    .innerJoin(councils, eq(councils.id, committees.councilId))
    .where(eq(alertCommittees.subscriberId, subscriberId))
    .orderBy(asc(councils.name), asc(committees.name));
  return rows.map((row) => ({ slug: `${row.councilSlug}/${row.committeeSlug}`, committee: row.committee, council: row.council }));
}

/** A committee that does not exist was named: nothing is changed. */
export class UnknownCommitteeError extends Error {
  override readonly name = 'UnknownCommitteeError';
}

/** At most this many committee opt-ins per subscriber: one page of them, not every committee of every council. */
export const maxAlertCommittees = 50;

/**
 * Replaces a subscriber's committee opt-ins with these (qualified slugs).
 * An unknown committee, or more than `maxAlertCommittees`, changes nothing.
 */
export async function setAlertCommittees(db: Db, subscriberId: number, slugs: readonly string[]): Promise<AlertCommittee[]> {
  const wanted = [...new Set(slugs)];
  if (wanted.length > maxAlertCommittees) throw new UnknownCommitteeError(`At most ${maxAlertCommittees} committees can send you alerts.`);
  const known = wanted.length
    ? await db
        .select({ id: committees.id, councilSlug: councils.slug, committeeSlug: committees.slug })
        .from(committees)
        .innerJoin(councils, eq(councils.id, committees.councilId))
    : [];
  const bySlug = new Map(known.map((row) => [`${row.councilSlug}/${row.committeeSlug}`, row.id]));
  const unknown = wanted.filter((slug) => !bySlug.has(slug));
  if (unknown.length) throw new UnknownCommitteeError(`There is no committee ${unknown.map((slug) => `“${slug}”`).join(', ')}.`);
  const ids = wanted.map((slug) => bySlug.get(slug)!);
  await db.transaction(async (tx) => {
    await tx.delete(alertCommittees).where(and(eq(alertCommittees.subscriberId, subscriberId), ids.length ? notInArray(alertCommittees.committeeId, ids) : undefined));
    if (ids.length) await tx.insert(alertCommittees).values(ids.map((committeeId) => ({ subscriberId, committeeId }))).onConflictDoNothing();
  });
  return alertCommitteesOf(db, subscriberId);
}
