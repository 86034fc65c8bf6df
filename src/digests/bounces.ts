import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { emailKey } from '../subscribers/email.js';
import { recordHardBounce, subscriberDeliveries, suppress } from './delivery-repo.js';
import { recipientByEmailKey } from './run-repo.js';

export const bounceTypes = ['hard', 'soft', 'complaint'] as const;
export type BounceType = (typeof bounceTypes)[number];
export type BounceAction = 'suppressed' | 'counted' | 'ignored';

/**
 * A provider's report about an address. A complaint suppresses it at once;
 * a hard bounce counts toward HARD_BOUNCE_LIMIT like a 5xx at send time; a
 * soft bounce is the provider still retrying, so it changes nothing.
 */
export async function recordBounce(
  deps: { db: Db; hardBounceLimit: number; logger: Logger },
  report: { email: string; type: BounceType },
): Promise<BounceAction> {
  const key = emailKey(report.email);
  let action: BounceAction = 'ignored';
  if (report.type === 'complaint') {
    await suppress(deps.db, key, 'complaint', 'complaint reported by the mail provider');
    action = 'suppressed';
  } else if (report.type === 'hard') {
    const subscriber = await recipientByEmailKey(deps.db, key);
    if (subscriber) {
      const suppressed = await recordHardBounce(deps.db, subscriberDeliveries, subscriber.id, deps.hardBounceLimit, 'hard bounce reported by the mail provider');
      action = suppressed ? 'suppressed' : 'counted';
    }
  }
  deps.logger.info({ type: report.type, action }, 'bounce report');
  return action;
}
