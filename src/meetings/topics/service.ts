import { asc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { meetingTopics, meetings, sectionTopics, sections, topics } from '../../db/schema/index.js';
import type { Meeting } from '../schema.js';
import { listTopicsWithRules } from '../catalogue.js';
import { compileTopics, scoreMeeting } from './tagger.js';

export type { ScoredTag as Tag } from './tagger.js';

/** What the store asks of tagging: topics for the meeting and for each of its sections. */
export type MeetingTagger = (meeting: Pick<Meeting, 'summary' | 'sections'>) => ReturnType<typeof scoreMeeting>;

/** A tagger built from the database's current rules. */
export async function loadTagger(db: Db): Promise<MeetingTagger> {
  // The taxonomy as operators have left it in the database.
  const compiled = compileTopics(await listTopicsWithRules(db));
  return (meeting) => scoreMeeting(compiled, meeting);
}

export interface RetagProgress {
  done: number;
  total: number;
}

/**
 * Re-applies the current rules to every stored meeting, after operators
 * change them. Manual tags (given in imported records) stay as they are.
 * One batch of meetings per transaction, so a large store never sits in memory.
 */
export async function retagAll(
  db: Db,
  onProgress: (progress: RetagProgress) => void = () => {},
  batchSize = 100,
): Promise<{ meetings: number; sections: number; tags: number }> {
  const tagger = await loadTagger(db);
  const topicIds = new Map((await db.select({ id: topics.id, slug: topics.slug }).from(topics)).map((row) => [row.slug, row.id]));
  const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(meetings);
  const totals = { meetings: 0, sections: 0, tags: 0 };
  let lastId = 0;
  for (;;) {
    const batch = await db
      .select({ id: meetings.id, summary: meetings.summary })
      .from(meetings)
      .where(sql`${meetings.id} > ${lastId}`)
      .orderBy(asc(meetings.id))
      .limit(batchSize);
    if (batch.length === 0) break;
    const ids = batch.map((row) => row.id);
    const sectionRows = await db
      .select({ id: sections.id, meetingId: sections.meetingId, heading: sections.heading, level: sections.level, blocks: sections.blocks, agenda: sections.agenda })
      .from(sections)
      .where(inArray(sections.meetingId, ids))
      .orderBy(asc(sections.meetingId), asc(sections.position));

    // A record that named its own topics keeps them: rules do not add to it.
    const manual = await db.execute<{ kind: string; id: string }>(sql`
      select 'meeting' as kind, meeting_id as id from ${meetingTopics} where source = 'manual' and meeting_id in ${ids}
      union select 'section', st.section_id from ${sectionTopics} st join ${sections} s on s.id = st.section_id
      where st.source = 'manual' and s.meeting_id in ${ids}`);
    const manualKeys = new Set(manual.rows.map((row) => `${row.kind}:${row.id}`));

    const meetingRows: { meetingId: number; topicId: number; score: number }[] = [];
    const sectionRowsOut: { sectionId: number; topicId: number; score: number }[] = [];
    for (const meeting of batch) {
      const own = sectionRows.filter((section) => section.meetingId === meeting.id);
      const tags = tagger({
        summary: meeting.summary,
        // An item is tagged on its agenda text too, as on import.
        sections: own.map((section) => ({ heading: section.heading, level: section.level === 2 ? 2 : 1, blocks: [...section.blocks, ...section.agenda], agenda: [] })),
      });
      for (const tag of manualKeys.has(`meeting:${meeting.id}`) ? [] : tags.meeting) {
        const topicId = topicIds.get(tag.slug);
        if (topicId) meetingRows.push({ meetingId: meeting.id, topicId, score: tag.score });
      }
      tags.sections.forEach((list, index) => {
        const sectionId = own[index]!.id;
        if (manualKeys.has(`section:${sectionId}`)) return;
        for (const tag of list) {
          const topicId = topicIds.get(tag.slug);
          if (topicId) sectionRowsOut.push({ sectionId, topicId, score: tag.score });
        }
      });
    }
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from ${meetingTopics} where source = 'rule' and meeting_id in ${ids}`);
      await tx.execute(
        sql`delete from ${sectionTopics} where source = 'rule' and section_id in (select id from ${sections} where meeting_id in ${ids})`,
      );
      if (meetingRows.length) await tx.insert(meetingTopics).values(meetingRows).onConflictDoNothing();
      if (sectionRowsOut.length) await tx.insert(sectionTopics).values(sectionRowsOut).onConflictDoNothing();
    });
    totals.meetings += batch.length;
    totals.sections += sectionRows.length;
    totals.tags += meetingRows.length + sectionRowsOut.length;
    lastId = batch.at(-1)!.id;
    onProgress({ done: totals.meetings, total });
  }
  return totals;
}
