import type { Db } from '../db/client.js';
import { followMatches } from '../follows/find.js';
import { loadMeetingViews, type MeetingView } from '../meetings/queries.js';

export interface FollowedItem {
  heading: string;
  number: string | null;
  level: number;
  /** How many subscribers' follows this item matches (follows/find.ts, the rule digests and alerts use). */
  follows: number;
}

/** One meeting's agenda items with how many follows each has: the console's meeting page. Undefined for no such meeting. */
export async function meetingItemFollows(db: Db, meetingId: number): Promise<{ meeting: MeetingView; items: FollowedItem[] } | undefined> {
  const [loaded] = await loadMeetingViews(db, [meetingId]);
  if (!loaded) return undefined;
  const { sectionIds, ...meeting } = loaded;
  const counts = new Map<number, number>();
  for (const match of await followMatches(db, [meetingId])) counts.set(match.sectionId, (counts.get(match.sectionId) ?? 0) + 1);
  return {
    meeting,
    items: meeting.sections.map((section, position) => ({ heading: section.heading, number: section.number, level: section.level, follows: counts.get(sectionIds[position]!) ?? 0 })),
  };
}
