import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { feedRecipients, inboundMessages, subscribers } from '../db/schema/index.js';

/** The SQL of returned mail: the record of each message or report, and whom a return path names. */

export type InboundRecord = typeof inboundMessages.$inferInsert;

export async function recordInbound(db: Db, record: InboundRecord): Promise<void> {
  await db.insert(inboundMessages).values(record);
}

/** A return path's recipient: its suppression key (null once erased). */
export async function recipientKey(db: Db, audience: 'subscriber' | 'feed recipient', id: number): Promise<string | null | undefined> {
  const people = audience === 'subscriber' ? subscribers : feedRecipients;
  const [row] = await db.select({ emailKey: people.emailKey }).from(people).where(eq(people.id, id));
  return row ? row.emailKey : undefined;
}
