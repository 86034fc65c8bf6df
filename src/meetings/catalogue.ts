import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { committees, councils, topicRules, topics } from '../db/schema/index.js';

/** Councils with their committees: what the sign-up form and /api/councils offer. */
export async function listCouncils(db: Db) {
  const [councilRows, committeeRows] = await Promise.all([
    db.select().from(councils).orderBy(asc(councils.name)),
    db.select().from(committees).orderBy(asc(committees.name)),
  ]);
  return councilRows.map((council) => ({
    slug: council.slug,
    name: council.name,
    aliases: council.aliases,
    website: council.website,
    committees: committeeRows
      .filter((committee) => committee.councilId === council.id)
      .map((committee) => ({ slug: committee.slug, name: committee.name })),
  }));
}

export async function listTopics(db: Db) {
  return db
    .select({ slug: topics.slug, name: topics.name, description: topics.description })
    .from(topics)
    .orderBy(asc(topics.name));
}

/** Every council (with its committees) and topic: what forms offer and every filter set is checked against. */
export async function loadCatalogue(db: Db) {
  const [councilList, topicList] = await Promise.all([listCouncils(db), listTopics(db)]);
  return { councils: councilList, topics: topicList };
}

export type Catalogue = Awaited<ReturnType<typeof loadCatalogue>>;

export async function listTopicsWithRules(db: Db) {
  const [topicRows, ruleRows] = await Promise.all([
    db.select().from(topics).orderBy(asc(topics.slug)),
    db.select().from(topicRules).orderBy(asc(topicRules.id)),
  ]);
  return topicRows.map((topic) => ({
    slug: topic.slug,
    name: topic.name,
    description: topic.description,
    threshold: topic.threshold,
    updatedAt: topic.updatedAt.toISOString(),
    rules: ruleRows
      .filter((rule) => rule.topicId === topic.id)
      .map((rule) => ({ term: rule.term, weight: rule.weight })),
  }));
}

export interface TopicChange {
  name?: string;
  description?: string;
  threshold?: number;
  /** Replaces the topic's rules whole when given. */
  rules?: { term: string; weight: number }[];
}

/** Creates or edits one topic; returns false when an edit names a topic that does not exist. */
export async function saveTopic(db: Db, slug: string, change: TopicChange, create = false): Promise<boolean> {
  return db.transaction(async (tx) => {
    let [topic] = await tx.select().from(topics).where(eq(topics.slug, slug));
    if (!topic) {
      if (!create || !change.name) return false;
      [topic] = await tx
        .insert(topics)
        .values({ slug, name: change.name, description: change.description ?? '', threshold: change.threshold ?? 3 })
        .returning();
    } else {
      await tx
        .update(topics)
        .set({
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.description !== undefined ? { description: change.description } : {}),
          ...(change.threshold !== undefined ? { threshold: change.threshold } : {}),
          updatedAt: new Date(),
        })
        .where(eq(topics.id, topic.id));
    }
    if (change.rules) {
      await tx.delete(topicRules).where(eq(topicRules.topicId, topic!.id));
      if (change.rules.length) {
        await tx.insert(topicRules).values(change.rules.map((rule) => ({ topicId: topic!.id, ...rule })));
      }
    }
    return true;
  });
}
