import type { SubscriberProcessors } from '../jobs/types.js';
import type { SubscriberMailDeps } from './deps.js';
import { sendSubscriberMails } from './messages.js';

/** Sign-up mail's processor: a plain function over plain dependencies, wrapped by whichever runner is in use. */
export function subscriberProcessors(deps: SubscriberMailDeps): SubscriberProcessors {
  return {
    'subscriber-mail': (data, context) => sendSubscriberMails(deps, data, context),
  };
}
