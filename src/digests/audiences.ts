import type { Db } from '../db/client.js';
import { activeFeedRecipientsAfter, feedRecipientsForSend } from '../feeds/recipients.js';
import type { FollowRow } from '../follows/find.js';
import type { JobData } from '../jobs/types.js';
import type { FilterSet } from '../subscribers/filters.js';
import { feedRecipientDeliveries, subscriberDeliveries, type DeliveryTable } from './delivery-repo.js';
import {
  digestHeaders,
  digestMessageId,
  feedDigestHeaders,
  feedDigestLinks,
  feedDigestMessageId,
  subscriberDigestLinks,
  type MailSettings,
  type PersonalPart,
} from './email.js';
import { recipientsByIds, subscribersAfter, type RecipientRow } from './run-repo.js';
import type { Week } from './week.js';

/**
 * Who a run mails: subscribers, then the confirmed recipients of active
 * partner feeds. Both go through one fan-out, one send job and one set of
 * delivery statements; an audience says only where its people and
 * deliveries are and how its links and Message-IDs are made.
 */

/** One person a send job mails, as they are now. */
export interface Addressee {
  id: number;
  publicId: string;
  tokenVersion: number;
  email: string;
  filters: FilterSet;
  filterKey: string;
  /** Why this person gets nothing now (unsubscribed or suppressed since the fan-out); undefined when they may be mailed. */
  unsendable: string | undefined;
  /** The feed a feed recipient gets: a digest names it, and its deliveries record it. */
  feed: { id: number; publicId: string; name: string; partnerName: string } | null;
  /** What a subscriber follows ("Items you follow"); a feed recipient follows nothing. */
  follows: FollowRow[];
}

type SendJob = JobData['digest-send'];

export interface Audience {
  /** In logs and error messages. */
  name: 'subscriber' | 'feed recipient';
  deliveries: DeliveryTable;
  /** What its return path calls a delivery (mail/return-path.ts). */
  mailKind: 'digest' | 'feed-digest';
  /** The run's column holding this audience's fan-out progress. */
  cursor: 'cursor' | 'feedCursor';
  /** Prefixes of job ids: a batch is named by its run and first id, so it is never queued twice. */
  jobIds: { send: string; retry: string };
  /** The next page of the fan-out: sendable ids after `cursor`, in id order. */
  idsAfter(db: Db, cursor: number, limit: number): Promise<number[]>;
  jobData(runId: number, ids: number[]): SendJob;
  load(db: Db, ids: number[]): Promise<Addressee[]>;
  messageId(addressee: Addressee, week: Week, mailFrom: string): string;
  /** The recipient's own part of a digest: address and links. */
  personal(settings: MailSettings, addressee: Addressee, week: Week, now: Date): PersonalPart & { week: Week };
  /** The list headers made from it (a send needs them; a dry run does not). */
  headers(settings: MailSettings, addressee: Addressee, part: PersonalPart & { week: Week }): Record<string, string>;
}

function subscriberAddressee(row: RecipientRow & { follows: FollowRow[] }): Addressee {
  const unsendable = row.status !== 'active' || !row.email ? `subscriber is ${row.status}` : row.suppressed ? 'address is suppressed' : undefined;
  return { ...row, email: row.email ?? '', unsendable, feed: null };
}

export const subscriberAudience: Audience = {
  name: 'subscriber',
  deliveries: subscriberDeliveries,
  mailKind: 'digest',
  cursor: 'cursor',
  jobIds: { send: 'send', retry: 'retry' },
  idsAfter: subscribersAfter,
  jobData: (runId, subscriberIds) => ({ runId, subscriberIds }),
  load: async (db, ids) => (await recipientsByIds(db, ids)).map(subscriberAddressee),
  messageId: (addressee, week, mailFrom) => digestMessageId(addressee.publicId, week, mailFrom),
  personal: (settings, addressee, week) => ({ week, recipient: addressee.email, links: subscriberDigestLinks(settings, addressee, week) }),
  headers: (settings, _addressee, part) => digestHeaders(settings, part),
};

/** A feed recipient's address with the feed it is for: what the feed's links and headers need. */
function feedAddress(addressee: Addressee) {
  return { ...addressee, feed: addressee.feed! };
}

export const feedRecipientAudience: Audience = {
  name: 'feed recipient',
  deliveries: feedRecipientDeliveries,
  mailKind: 'feed-digest',
  cursor: 'feedCursor',
  jobIds: { send: 'sendfeed', retry: 'retryfeed' },
  idsAfter: async (db, cursor, limit) => (await activeFeedRecipientsAfter(db, cursor, limit)).map((recipient) => recipient.id),
  jobData: (runId, feedRecipientIds) => ({ runId, feedRecipientIds }),
  load: async (db, ids) =>
    (await feedRecipientsForSend(db, ids)).map(({ feed, ...recipient }) => ({
      ...recipient,
      filters: feed.filters,
      filterKey: feed.filterKey,
      feed: { id: feed.id, publicId: feed.publicId, name: feed.name, partnerName: feed.partnerName },
      follows: [],
    })),
  messageId: (addressee, week, mailFrom) => feedDigestMessageId(addressee.publicId, week, mailFrom),
  personal: (settings, addressee, week, now) => ({ week, recipient: addressee.email, links: feedDigestLinks(settings, feedAddress(addressee), now) }),
  headers: (settings, addressee, part) => feedDigestHeaders(settings, part, feedAddress(addressee)),
};

/** In fan-out order: subscribers first, then feed recipients. */
export const audiences = [subscriberAudience, feedRecipientAudience] as const;

/** The audience a send job is for, told by the key its ids are under, and those ids. */
export function audienceOf(job: SendJob): { audience: Audience; ids: number[] } {
  return 'feedRecipientIds' in job
    ? { audience: feedRecipientAudience, ids: job.feedRecipientIds }
    : { audience: subscriberAudience, ids: job.subscriberIds };
}
