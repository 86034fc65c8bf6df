import type { FeedProcessors } from '../jobs/types.js';
import type { FeedMailDeps } from './deps.js';
import { sendFeedConfirmations } from './emails.js';

/** Feed mail's processor: a plain function over plain dependencies, wrapped by whichever runner is in use. */
export function feedProcessors(deps: FeedMailDeps): FeedProcessors {
  return {
    'feed-confirm': (data, context) => sendFeedConfirmations(deps, data, context),
  };
}
