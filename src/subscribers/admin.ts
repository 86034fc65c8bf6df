import type { Db } from '../db/client.js';
import { countDeliveries, eraseSubscriber, subscriberRecord, suppressAddress } from './operator-repo.js';
import { findSubscriberById, type Subscriber } from './repo.js';

/** A subscriber as operators see it in listings: status always shown, secrets (token version) left out. */
export function subscriberSummary(row: Subscriber) {
  return {
    id: row.id,
    publicId: row.publicId,
    email: row.email,
    status: row.status,
    councils: row.councils,
    committees: row.committees,
    topics: row.topics,
    keywords: row.keywords,
    consentSource: row.consentSource,
    createdAt: row.createdAt.toISOString(),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    unsubscribedAt: row.unsubscribedAt?.toISOString() ?? null,
    erasedAt: row.erasedAt?.toISOString() ?? null,
  };
}

/** Everything stored about one subscriber, as a data-subject access export. */
export async function exportSubscriber(db: Db, id: number) {
  const record = await subscriberRecord(db, id);
  if (!record) return undefined;
  const { subscriber, emails, deliveries, suppression } = record;
  return {
    exportedAt: new Date().toISOString(),
    subscriber: {
      ...subscriberSummary(subscriber),
      emailKey: subscriber.emailKey,
      consentNote: subscriber.consentNote,
      hardBounces: subscriber.hardBounces,
      updatedAt: subscriber.updatedAt.toISOString(),
    },
    emails: emails.map((email) => ({ kind: email.kind, messageId: email.messageId, sentAt: email.sentAt.toISOString() })),
    deliveries: deliveries.map((delivery) => ({
      week: delivery.week,
      status: delivery.status,
      messageId: delivery.messageId,
      subject: delivery.subject,
      meetings: delivery.meetings,
      sections: delivery.sections,
      attempts: delivery.attempts,
      error: delivery.error,
      claimedAt: delivery.claimedAt.toISOString(),
      sentAt: delivery.sentAt?.toISOString() ?? null,
    })),
    suppression: suppression && { reason: suppression.reason, note: suppression.note, createdAt: suppression.createdAt.toISOString() },
  };
}

/**
 * Erases one subscriber (see eraseSubscriber). With `suppress`, the address
 * first goes on the suppression list, so nobody can sign it up again: the one
 * piece of personal data an erasure may deliberately keep.
 */
export async function eraseSubscriberData(
  db: Db,
  id: number,
  options: { suppress: boolean; now: Date },
): Promise<{ status: 'erased' | 'already-erased' | 'not-found'; deliveries: number; suppressed: boolean }> {
  return db.transaction(async (tx) => {
    const subscriber = await findSubscriberById(tx, id);
    if (!subscriber) return { status: 'not-found', deliveries: 0, suppressed: false };
    const key = subscriber.emailKey;
    if (options.suppress && key) await suppressAddress(tx, { emailKey: key, reason: 'manual', note: 'suppressed on erasure' });
    const erased = await eraseSubscriber(tx, id, options.now);
    return {
      status: erased ? 'erased' : 'already-erased',
      deliveries: await countDeliveries(tx, id),
      suppressed: Boolean(options.suppress && key),
    };
  });
}
