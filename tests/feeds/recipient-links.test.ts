import { describe, expect, it } from 'vitest';
import { feedDeliveryMessageId, feedRecipientLinks } from '../../src/feeds/recipients.js';
import { verifyToken } from '../../src/tokens/signed-links.js';

const secret = 'unit-test-secret-0123456789abcdef0123456789';
const recipient = { publicId: '6f1c2b0e-8a4d-4f7e-9a51-0d2b3c4e5f60', tokenVersion: 3 };
const now = new Date('2025-07-20T12:00:00Z');

const tokenOf = (url: string) => url.split('/').pop()!;

describe('feed recipient links', () => {
  const links = feedRecipientLinks('https://digest.example.org', secret, recipient, now);

  it('confirm with a feed-confirm token naming the public id, valid for seven days', () => {
    expect(links.confirm).toMatch(/^https:\/\/digest\.example\.org\/feeds\/confirm\//);
    const claims = verifyToken(secret, tokenOf(links.confirm), 'feed-confirm', now);
    expect(claims).toMatchObject({ subject: recipient.publicId, version: 3, expiresAt: now.getTime() / 1000 + 7 * 86_400 });
    expect(() => verifyToken(secret, tokenOf(links.confirm), 'feed-confirm', new Date('2025-07-28T12:00:00Z'))).toThrow(/expired/);
  });

  it('unsubscribe with a feed-unsubscribe token that never expires', () => {
    const claims = verifyToken(secret, tokenOf(links.unsubscribe), 'feed-unsubscribe', new Date('2030-01-01'));
    expect(claims).not.toHaveProperty('expiresAt');
  });

  it('cannot be used for one another', () => {
    expect(() => verifyToken(secret, tokenOf(links.unsubscribe), 'feed-confirm', now)).toThrow(/something else/);
    expect(() => verifyToken(secret, tokenOf(links.confirm), 'unsubscribe', now)).toThrow(/something else/);
  });
});

describe('feed delivery Message-IDs', () => {
  it('are the same for the same recipient and week, and differ otherwise', () => {
    const id = feedDeliveryMessageId(recipient.publicId, '2025-07-14', 'digest.example.org');
    expect(id).toBe(`<feed.${recipient.publicId}.2025-07-14@digest.example.org>`);
    expect(feedDeliveryMessageId(recipient.publicId, '2025-07-14', 'digest.example.org')).toBe(id);
    expect(feedDeliveryMessageId(recipient.publicId, '2025-07-21', 'digest.example.org')).not.toBe(id);
  });
});
