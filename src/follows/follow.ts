/**
 * Following an item from a Follow link: what the link offers (the page says
 * it before anything is stored) and confirming it. Plain dependencies; the
 * routes are http/public/follow.ts.
 */
import type { Db } from '../db/client.js';
import { loadMeetingViews } from '../meetings/queries.js';
import { findSubscriberByPublicId, type Subscriber } from '../subscribers/repo.js';
import { checkClaims, readToken, TokenError } from '../tokens/signed-links.js';
import { matchableSection, readFollowKey } from './item.js';
import { describeFollow, itemMatches, type FollowKey } from './match.js';
import { addFollow, findFollow, type Follow } from './repo.js';

/** gone: the subscription the link was for has ended; not_found: the meeting, or the item on it, is no longer listed. */
export class FollowError extends Error {
  override readonly name = 'FollowError';
  constructor(
    readonly problem: 'gone' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

export interface FollowDeps {
  db: Db;
  secret: string;
  now: () => Date;
}

/** What a Follow link offers: whose it is, what will be looked for, and the item it was on. */
export interface FollowOffer {
  subscriber: Subscriber;
  key: FollowKey;
  /** "items mentioning 25/00912/FULM": describeFollow's words. */
  lookingFor: string;
  /** The item's title as the agenda has it now. */
  item: string;
  meeting: { id: number; title: string; committee: string; council: string; startsAt: Date; councilUrl: string | null };
  /** The subscriber's follow of this key, when they have one already. */
  existing: Follow | undefined;
}

/** The link's three parts: the subscriber's token, and the item's path (followItemPath) as its segments, decoded. */
export interface FollowLink {
  token: string;
  meetingId: string;
  kind: string;
  value: string;
}

/**
 * What a Follow link offers, checked: a TokenError for a damaged, forged or
 * wrong link (answered as every link's); `gone` once the subscription has
 * ended (unsubscribed, erased, or the link older than the last unsubscribe);
 * `not_found` when the meeting, or any item on it that is this matter, is no
 * longer listed. Reads only: opening the page (a link scanner) stores nothing.
 */
export async function openFollow(deps: FollowDeps, link: FollowLink): Promise<FollowOffer> {
  const claims = checkClaims(readToken(deps.secret, link.token), 'follow', deps.now());
  const key = readFollowKey(link.kind, link.value);
  const meetingId = /^[1-9]\d{0,15}$/.test(link.meetingId) ? Number(link.meetingId) : null;
  if (!key || meetingId === null) throw new TokenError('malformed');
  const subscriber = await findSubscriberByPublicId(deps.db, claims.subject);
  const current = subscriber && subscriber.tokenVersion === claims.version && (subscriber.status === 'active' || subscriber.status === 'paused');
  if (!current) throw new FollowError('gone', 'This link has ended with the subscription it was sent to, so there is nothing to follow with it.');
  const [meeting] = await loadMeetingViews(deps.db, [meetingId]);
  // The agenda as it is now: a re-harvest may have renumbered or reworded the item; it is the same matter while it still matches.
  const item = meeting?.sections.find((section) => itemMatches(key, matchableSection(section, meeting.council.slug)));
  if (!meeting || !item) throw new FollowError('not_found', 'That item is no longer on the meeting’s agenda, so it cannot be followed from this link.');
  return {
    subscriber,
    key,
    lookingFor: describeFollow(key),
    item: item.heading,
    meeting: {
      id: meeting.id,
      title: meeting.title,
      committee: meeting.committee.name,
      council: meeting.council.name,
      startsAt: new Date(meeting.startsAt),
      councilUrl: meeting.sources.council ?? null,
    },
    existing: await findFollow(deps.db, subscriber.id, key),
  };
}

/** Confirms what a link offers (openFollow it first): a follow is made once; a second confirm changes nothing (`created` false). */
export async function confirmFollow(db: Db, offer: FollowOffer, alerts: boolean): Promise<{ follow: Follow; created: boolean }> {
  return addFollow(db, { subscriberId: offer.subscriber.id, key: offer.key, label: offer.item, meetingId: offer.meeting.id, alerts });
}
