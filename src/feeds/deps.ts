import type { JobQueue } from '../jobs/types.js';
import type { MailingDeps } from '../mail/outbox.js';

/** What the `feed-confirm` job needs to render and send a feed's confirmation mails: the outbox's. */
export type FeedMailDeps = MailingDeps;

/** What the feed capability needs: plain dependencies, so the HTTP layer, CLI, weekly run and tests wire it alike. */
export interface FeedDeps extends FeedMailDeps {
  /** An approval queues its confirmation mails here; whoever works the `feeds` jobs sends them. */
  queue: Pick<JobQueue, 'add'>;
  limits: { feedsPerPartner: number; recipientsPerFeed: number };
}
