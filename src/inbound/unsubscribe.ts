import type { InboundChannel } from '../db/schema/index.js';
import { unsubscribeByToken, type Unsubscribed } from '../feeds/unsubscribe.js';
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
 * unsubscribe token among the candidates unsubscribes its subscriber or
 * feed recipient through `unsubscribeByToken`, as the one-click POST and
 * the unsubscribe pages do (a subscriber's token version moves on, so every
 * earlier link dies). Without a genuine token nothing changes. The change
 * and its record are one transaction, as for a bounce.
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
  let done: Unsubscribed;
  try {
    done = await unsubscribeByToken({ db: deps.db, secret: deps.tokenSecret, baseUrl: deps.baseUrl, now: deps.now }, token);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    // Issued before an unsubscribe or erasure: genuine, and there is nothing left to do.
    if (error.problem === 'revoked') return { action: 'ignored', note: 'the link was revoked: already unsubscribed or erased' };
    return undefined;
  }
  if (done.audience === 'subscriber') {
    const whom = { audience: done.audience, recipientId: done.subscriber.id };
    return done.changed ? { action: 'unsubscribed', ...whom, note: 'unsubscribed by mail' } : { action: 'ignored', ...whom, note: `already ${done.subscriber.status}` };
  }
  if (!done.recipient) return { action: 'ignored', note: 'the feed recipient is gone' };
  return { action: 'unsubscribed', audience: done.audience, recipientId: done.recipient.recipient.id, note: 'unsubscribed from a feed by mail' };
}
