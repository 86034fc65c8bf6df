import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { feedRecipients, feeds, partners, subscribers } from '../../src/db/schema/index.js';
import { feedRecipientLinks } from '../../src/feeds/recipients.js';
import { unsubscribeByToken, type UnsubscribeDeps } from '../../src/feeds/unsubscribe.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { signToken, TokenError, type TokenProblem } from '../../src/tokens/signed-links.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber } from '../helpers/subscribers.js';

const secret = 'unsubscribe-test-secret-0123456789abcdef';
const baseUrl = 'https://digest.example.org';
const now = new Date('2025-09-15T07:00:00Z');
let db: Db;
let deps: UnsubscribeDeps;

const tokenOf = (url: string) => url.split('/').at(-1)!;

async function problemOf(work: Promise<unknown>): Promise<TokenProblem | 'none'> {
  try {
    await work;
    return 'none';
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    throw error;
  }
}

async function feedRecipient(email: string) {
  const [partner] = await db.insert(partners).values({ name: `Partner of ${email}`, contactEmail: 'partner@example.org' }).returning();
  const [feed] = await db.insert(feeds).values({ partnerId: partner!.id, name: 'Everything', status: 'active', filterKey: '', atomTokenHash: 'x' }).returning();
  const [recipient] = await db.insert(feedRecipients).values({ feedId: feed!.id, email, emailKey: email, status: 'active' }).returning();
  return recipient!;
}

beforeAll(async () => {
  db = (await createTestDatabase()).db;
  deps = { db, secret, baseUrl, now: () => now };
});

describe('unsubscribeByToken', () => {
  it("unsubscribes the subscriber an 'unsubscribe' link names, once", async () => {
    const row = await addSubscriber(db, { email: 'leaving@example.org' });
    const token = tokenOf(subscriberLinks(baseUrl, secret, row, now).unsubscribe());
    const done = await unsubscribeByToken(deps, token);
    expect(done).toMatchObject({ audience: 'subscriber', changed: true, subscriber: { id: row.id, status: 'unsubscribed' } });
    // The version moved on, so the same link is now revoked: nothing more happens.
    expect(await problemOf(unsubscribeByToken(deps, token))).toBe('revoked');
  });

  it("unsubscribes the feed recipient a 'feed-unsubscribe' link names, and a second time changes nothing", async () => {
    const recipient = await feedRecipient('reader@feeds.example.org');
    const token = tokenOf(feedRecipientLinks(baseUrl, secret, recipient, now).unsubscribe);
    const done = await unsubscribeByToken(deps, token);
    expect(done).toMatchObject({ audience: 'feed recipient', recipient: { recipient: { id: recipient.id, status: 'unsubscribed' } } });
    const again = await unsubscribeByToken(deps, token);
    expect(again).toMatchObject({ audience: 'feed recipient', recipient: { recipient: { status: 'unsubscribed', tokenVersion: recipient.tokenVersion + 1 } } });
  });

  it('takes only the purpose a page names', async () => {
    const row = await addSubscriber(db, { email: 'staying@example.org' });
    const recipient = await feedRecipient('staying@feeds.example.org');
    expect(await problemOf(unsubscribeByToken(deps, tokenOf(subscriberLinks(baseUrl, secret, row, now).unsubscribe()), 'feed-unsubscribe'))).toBe('wrong-purpose');
    expect(await problemOf(unsubscribeByToken(deps, tokenOf(feedRecipientLinks(baseUrl, secret, recipient, now).unsubscribe), 'unsubscribe'))).toBe('wrong-purpose');
    const [after] = await db.select().from(subscribers).where(eq(subscribers.id, row.id));
    const [recipientAfter] = await db.select().from(feedRecipients).where(eq(feedRecipients.id, recipient.id));
    expect([after!.status, recipientAfter!.status]).toEqual(['active', 'active']);
  });

  it('refuses links for anything else, forged and damaged ones, changing nothing', async () => {
    const row = await addSubscriber(db, { email: 'untouched@example.org' });
    const links = subscriberLinks(baseUrl, secret, row, now);
    expect(await problemOf(unsubscribeByToken(deps, tokenOf(links.manage())))).toBe('wrong-purpose');
    expect(await problemOf(unsubscribeByToken(deps, signToken('another-secret-0123456789abcdef0123', { purpose: 'unsubscribe', subject: row.publicId, version: 1 })))).toBe('forged');
    expect(await problemOf(unsubscribeByToken(deps, 'abc.def'))).toBe('malformed');
    const [after] = await db.select().from(subscribers).where(eq(subscribers.id, row.id));
    expect(after!.status).toBe('active');
  });
});
