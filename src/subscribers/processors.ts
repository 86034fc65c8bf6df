import type { JobOutcome } from '../jobs/types.js';
import type { SubscriberMailDeps } from './deps.js';
import { erasePendingBefore } from './operator-repo.js';

const nothingSent: JobOutcome = { sent: 0, skipped: 0, failed: 0 };

/**
 * The `pending-expiry` job, run nightly (main/wiring.ts holds the table of
 * jobs and their schedules): erases the sign-ups nobody confirmed. An
 * address someone typed in, that never said yes, is not kept past
 * PENDING_EXPIRY_DAYS (0 keeps them). The rows stay, erased, so the mail
 * log still adds up; signing up again starts afresh.
 */
export async function expirePendingSignUps(deps: SubscriberMailDeps): Promise<JobOutcome> {
  if (deps.pendingExpiryDays === 0) return nothingSent;
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.pendingExpiryDays * 86_400_000);
  const erased = await erasePendingBefore(deps.db, cutoff, now);
  deps.logger.info({ erased, days: deps.pendingExpiryDays }, 'unconfirmed sign-ups erased');
  return nothingSent;
}
