import type { InboundChannel } from '../db/schema/index.js';
import { unsubscribeFeedRecipient } from '../feeds/recipients.js';
import { applyAction, openLink } from '../subscribers/preferences.js';
import { TokenError } from '../tokens/signed-links.js';
import type { InboundDeps } from './deps.js';
import { recordInbound } from './repo.js';

export interface UnsubscribeOutcome {
  action: 'unsubscribed' | 'ignored';
  audience?: 'subscriber' | 'feed recipient';
  recipientId?: number;
  note: string;
}

/**
 * An unsubscribe by mail (List-Unsubscribe's mailto): the first genuine
 * unsubscribe token among the candidates unsubscribes its subscriber
 * exactly as the one-click POST does (the token version moves on, so every
 * earlier link dies), or its feed recipient as the feed's unsubscribe page
 * does. Without a genuine token nothing changes. The change and its record
 * are one transaction, as for a bounce.
 */
export async function unsubscribeByMail(deps: InboundDeps, mail: { channel: InboundChannel; tokens: string[]; messageId?: string }): Promise<UnsubscribeOutcome> {
  const outcome = await deps.db.transaction(async (tx) => {
    let found: UnsubscribeOutcome = { action: 'ignored', note: mail.tokens.length ? 'no genuine unsubscribe token' : 'no unsubscribe token' };
    for (const token of mail.tokens) {
      const tried = await tryToken({ ...deps, db: tx }, token);
      if (tried) {
        found = tried;
        break;
      }
    }
    await recordInbound(tx, {
      channel: mail.channel,
      kind: 'unsubscribe',
      messageId: mail.messageId,
      audience: found.audience ?? null,
      recipientId: found.recipientId ?? null,
      action: found.action,
      note: found.note,
    });
    return found;
  });
  deps.logger.info({ channel: mail.channel, ...outcome }, 'unsubscribe by mail');
  return outcome;
}

/** What one token does; undefined when it is not a genuine unsubscribe token (the next candidate is tried). */
async function tryToken(deps: InboundDeps, token: string): Promise<UnsubscribeOutcome | undefined> {
  const subscribers = { db: deps.db, secret: deps.tokenSecret, now: deps.now };
  try {
    const subscriber = await openLink(subscribers, token, 'unsubscribe');
    const { changed } = await applyAction(subscribers, subscriber, 'unsubscribe');
    const whom = { audience: 'subscriber' as const, recipientId: subscriber.id };
    return changed ? { action: 'unsubscribed', ...whom, note: 'unsubscribed by mail' } : { action: 'ignored', ...whom, note: `already ${subscriber.status}` };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    // Issued before an unsubscribe or erasure: genuine, and there is nothing left to do.
    if (error.problem === 'revoked') return { action: 'ignored', note: 'the link was revoked: already unsubscribed or erased' };
    if (error.problem !== 'wrong-purpose') return undefined;
  }
  try {
    const feed = await unsubscribeFeedRecipient(deps.db, deps.tokenSecret, deps.baseUrl, token, deps.now());
    if (!feed) return { action: 'ignored', note: 'the feed recipient is gone' };
    return { action: 'unsubscribed', audience: 'feed recipient', recipientId: feed.recipient.id, note: 'unsubscribed from a feed by mail' };
  } catch (error) {
    if (error instanceof TokenError) return undefined;
    throw error;
  }
}
