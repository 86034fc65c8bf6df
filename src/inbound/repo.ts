import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { feedRecipients, inboundMessages, subscribers } from '../db/schema/index.js';
import type { MailRef } from '../mail/return-path.js';

/** The SQL of returned mail: the record of each message or report, and whom a return path names. */

export type InboundRecord = typeof inboundMessages.$inferInsert;

/** How much of each text field is kept: a header line's limit for the Message-ID (RFC 5322), less for the rest. */
export const storedLengths = { status: 100, messageId: 998, note: 500 } as const;

/** A field as it can be stored: without NUL (Postgres text refuses it) and clipped, whatever the sender put in it. */
export function storable(value: string | null | undefined, length: number): string | null {
  if (value === null || value === undefined) return null;
  return value.replaceAll('\0', '').slice(0, length);
}

export async function recordInbound(db: Executor, record: InboundRecord): Promise<void> {
  await db.insert(inboundMessages).values({
    ...record,
    status: storable(record.status, storedLengths.status),
    messageId: storable(record.messageId, storedLengths.messageId),
    note: storable(record.note, storedLengths.note),
  });
}

/** A return path's recipient: its suppression key (null once erased). */
export async function recipientKey(db: Executor, audience: 'subscriber' | 'feed recipient', id: number): Promise<string | null | undefined> {
  const people = audience === 'subscriber' ? subscribers : feedRecipients;
  const [row] = await db.select({ emailKey: people.emailKey }).from(people).where(eq(people.id, id));
  return row ? row.emailKey : undefined;
}

/**
 * Whether a hard bounce of one mail without a delivery row (a confirmation
 * or manage mail, a feed confirmation) was counted before. Holds the
 * recipient's row until the caller's transaction ends, so two reports of
 * one mail arriving together are counted once. Such a mail's record keeps
 * its mail id in delivery_id and its kind in mail_kind, and has no run.
 */
// inbound_messages_recipient_idx serves this: the recipient's records, then the mail's.
export async function hardBounceCountedBefore(tx: Executor, audience: 'subscriber' | 'feed recipient', mail: MailRef): Promise<boolean> {
  const { recipientId, mailId } = mail;
  const people = audience === 'subscriber' ? subscribers : feedRecipients;
  await tx.select({ id: people.id }).from(people).where(eq(people.id, recipientId)).for('update');
  const [earlier] = await tx
    .select({ one: sql`1` })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.audience, audience),
        eq(inboundMessages.recipientId, recipientId),
        eq(inboundMessages.deliveryId, mailId),
        // The same kind of mail: an alert mail and a confirmation are numbered apart. Records from before the kind was kept match any.
        or(eq(inboundMessages.mailKind, mail.kind), isNull(inboundMessages.mailKind)),
        isNull(inboundMessages.runId),
        eq(inboundMessages.severity, 'hard'),
        inArray(inboundMessages.action, ['counted', 'suppressed']),
      ),
    )
    .limit(1);
  return Boolean(earlier);
}
