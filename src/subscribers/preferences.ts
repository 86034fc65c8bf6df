import type { Executor } from '../db/client.js';
import type { SubscriberStatus } from '../db/schema/index.js';
import type { SubscriberDeps } from './deps.js';
import type { FilterSet } from './filters.js';
import {
  changeSubscriberStatus,
  confirmSubscriber,
  findSubscriberById,
  findSubscriberByPublicId,
  resubscribeSubscriber,
  saveSubscriberFilters,
  unsubscribeSubscriber,
  type Subscriber,
} from './repo.js';
import { checkClaims, TokenError, verifyToken, type TokenClaims, type TokenPurpose } from '../tokens/signed-links.js';

/**
 * The subscriber a mailed link names, when the link is genuine, meant for
 * this page, in date and issued since the last unsubscribe or erasure;
 * otherwise a TokenError (the pages answer it with a 400 page).
 */
export async function openLink(deps: Pick<SubscriberDeps, 'secret' | 'now'> & { db: Executor }, token: string, purpose: TokenPurpose): Promise<Subscriber> {
  return subscriberNamed(deps.db, verifyToken(deps.secret, token, purpose, deps.now()));
}

/** The subscriber a genuine link's claims name, unless the link was issued before the last unsubscribe or erasure. */
async function subscriberNamed(db: Executor, claims: TokenClaims): Promise<Subscriber> {
  const subscriber = await findSubscriberByPublicId(db, claims.subject);
  if (!subscriber || subscriber.status === 'erased' || subscriber.tokenVersion !== claims.version) {
    throw new TokenError('revoked');
  }
  return subscriber;
}

/**
 * The subscriber half of `unsubscribeByToken` (src/feeds/unsubscribe.ts):
 * the subscriber a genuine token's claims name leaves, when the claims are
 * an 'unsubscribe' link's, in date and current (otherwise a TokenError).
 * A second unsubscribe changes nothing (`changed` false).
 */
export async function unsubscribeByClaims(deps: Pick<SubscriberDeps, 'now'> & { db: Executor }, claims: TokenClaims): Promise<{ subscriber: Subscriber; changed: boolean }> {
  const subscriber = await subscriberNamed(deps.db, checkClaims(claims, 'unsubscribe', deps.now()));
  return applyAction(deps, subscriber, 'unsubscribe');
}

/** Pending becomes active; a second click on the link finds it already confirmed, which is not an error. */
export async function confirmSubscription(deps: SubscriberDeps, token: string): Promise<{ subscriber: Subscriber; confirmedNow: boolean }> {
  const subscriber = await openLink(deps, token, 'confirm');
  const confirmed = subscriber.status === 'pending' ? await confirmSubscriber(deps.db, subscriber.id, deps.now()) : undefined;
  return { subscriber: confirmed ?? subscriber, confirmedNow: Boolean(confirmed) };
}

export const subscriberActions = ['pause', 'resume', 'unsubscribe', 'resubscribe'] as const;
export type SubscriberAction = (typeof subscriberActions)[number];

/**
 * What a subscriber can do from each status. Pending addresses can only
 * leave (confirming is the mailed link's job); erased ones are gone.
 */
export function availableActions(status: SubscriberStatus): SubscriberAction[] {
  switch (status) {
    case 'pending':
      return ['unsubscribe'];
    case 'active':
      return ['pause', 'unsubscribe'];
    case 'paused':
      return ['resume', 'unsubscribe'];
    case 'unsubscribed':
      return ['resubscribe'];
    case 'erased':
      return [];
  }
}

/**
 * Applies an action when the subscriber's status allows it. `changed` is
 * false when it did not (a repeated click, a stale page): the caller shows
 * where things stand rather than an error.
 */
export async function applyAction(
  deps: Pick<SubscriberDeps, 'now'> & { db: Executor },
  subscriber: Subscriber,
  action: SubscriberAction,
): Promise<{ subscriber: Subscriber; changed: boolean }> {
  if (!availableActions(subscriber.status).includes(action)) return { subscriber, changed: false };
  const now = deps.now();
  const updated = await {
    pause: () => changeSubscriberStatus(deps.db, subscriber.id, ['active'], 'paused', now),
    resume: () => changeSubscriberStatus(deps.db, subscriber.id, ['paused'], 'active', now),
    unsubscribe: () => unsubscribeSubscriber(deps.db, subscriber.id, now),
    resubscribe: () => resubscribeSubscriber(deps.db, subscriber.id, now),
  }[action]();
  if (updated) return { subscriber: updated, changed: true };
  // Another request changed the status first: report the row as it is now.
  return { subscriber: (await findSubscriberById(deps.db, subscriber.id)) ?? subscriber, changed: false };
}

export async function changeFilters(deps: SubscriberDeps, subscriber: Subscriber, filters: FilterSet): Promise<Subscriber> {
  return (await saveSubscriberFilters(deps.db, subscriber.id, filters, deps.now())) ?? subscriber;
}
