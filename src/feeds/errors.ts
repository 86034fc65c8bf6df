/**
 * A feed request the caller can fix, or one that names nothing of theirs:
 * the HTTP layer answers it with its status, the CLI would print it.
 * `not_found` is also the answer for another partner's feed, so ids never
 * reveal what exists. `unavailable`: the queue did not take the feed's
 * confirmations; approving again queues them.
 */
export type FeedProblem = 'not_found' | 'conflict' | 'limit_reached' | 'unknown_values' | 'unavailable';

export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly problem: FeedProblem,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}
