import type { Executor } from '../db/client.js';
import { unsubscribeByClaims } from '../subscribers/preferences.js';
import type { Subscriber } from '../subscribers/repo.js';
import { readToken, TokenError } from '../tokens/signed-links.js';
import { unsubscribeFeedRecipient, type RecipientContext } from './recipients.js';

/** What an unsubscribe link did, by whom it named. */
interface Unsubscribes {
  unsubscribe: { audience: 'subscriber'; subscriber: Subscriber; changed: boolean };
  /** `recipient` is undefined once the feed recipient is gone. */
  'feed-unsubscribe': { audience: 'feed recipient'; recipient: (RecipientContext & { resubscribeUrl: string }) | undefined };
}

export type UnsubscribePurpose = keyof Unsubscribes;
export type Unsubscribed = Unsubscribes[UnsubscribePurpose];

export interface UnsubscribeDeps {
  db: Executor;
  /** HMAC key of link tokens. */
  secret: string;
  /** PUBLIC_BASE_URL, for the re-subscribe link a feed recipient is given. */
  baseUrl: string;
  now(): Date;
}

/**
 * The one way to unsubscribe by token, for the unsubscribe pages, the
 * one-click POST and the List-Unsubscribe mailto alike: the token is read
 * once, and its purpose says whether a subscriber ('unsubscribe') or a feed
 * recipient ('feed-unsubscribe') leaves. Each half checks the rest: in date,
 * and for a subscriber, issued since the last unsubscribe or erasure. A page
 * names the one purpose it takes in `only`, so a feed recipient's link does
 * nothing on a subscriber's page (wrong-purpose), and the other way round.
 * A bad link is a TokenError; doing it twice changes nothing the second time.
 */
export async function unsubscribeByToken<P extends UnsubscribePurpose = UnsubscribePurpose>(deps: UnsubscribeDeps, token: string, only?: P): Promise<Unsubscribes[P]> {
  const claims = readToken(deps.secret, token);
  switch (only ?? claims.purpose) {
    case 'unsubscribe':
      return { audience: 'subscriber', ...(await unsubscribeByClaims(deps, claims)) } as Unsubscribes[P];
    case 'feed-unsubscribe':
      return { audience: 'feed recipient', recipient: await unsubscribeFeedRecipient(deps.db, deps.secret, deps.baseUrl, claims, deps.now()) } as Unsubscribes[P];
    default:
      throw new TokenError('wrong-purpose');
  }
}
