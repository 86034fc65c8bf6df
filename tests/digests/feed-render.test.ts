import { beforeAll, describe, expect, it } from 'vitest';
import { composeDigest, type DigestContent } from '../../src/digests/compose.js';
import { digestMessageId, feedDigestEmail, feedDigestHeaders, feedDigestMessageId, renderDigest, type MailSettings } from '../../src/digests/email.js';
import type { RenderedEmail } from '../../src/mail/templates.js';
import { normaliseFilters } from '../../src/subscribers/filters.js';
import { verifyToken } from '../../src/tokens/signed-links.js';
import { catalogue, meeting, section } from './builders.js';
import { testTemplates } from '../helpers/templates.js';

const settings: MailSettings = { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@news.example.org>', tokenSecret: 's'.repeat(40) };
const recipient = {
  email: 'ann@partner.example.org',
  publicId: '0b7f3a52-53c4-4d5e-9d65-3c8f1d2a9e10',
  tokenVersion: 2,
  feed: { publicId: '5d1c9a0e-7f62-4b8e-a1c3-9e2f4b6d8a01', name: 'Care <b>leavers</b> "weekly"', partnerName: 'Herts & Beds Partnership' },
};

let content: DigestContent;
let rendered: RenderedEmail;

beforeAll(async () => {
  content = composeDigest({
    week: '2025-09-08',
    zone: 'Europe/London',
    filters: normaliseFilters({ topics: ['care-leavers'] }),
    catalogue,
    meetings: [meeting({ sections: [section('Care leavers offer', { matched: true }), section('Parking')] })],
    upcoming: [],
  })!;
  rendered = renderDigest(await testTemplates(), feedDigestEmail(settings, content, recipient, new Date('2025-09-15T07:00:00Z')));
});

describe("a feed recipient's digest", () => {
  it("names the feed and its partner in the subject and the header, as text", () => {
    expect(rendered.subject).toBe(`Care <b>leavers</b> "weekly": Children's Social Care Cabinet Panel, 10 Sept: Care leavers offer`);
    expect(rendered.html).toContain('Care &lt;b&gt;leavers&lt;/b&gt; &quot;weekly&quot; — a feed by Herts &amp; Beds Partnership');
    expect(rendered.text).toContain('Care <b>leavers</b> "weekly" — a feed by Herts & Beds Partnership');
  });

  it('says why it came, and carries only the unsubscribe link', () => {
    expect(rendered.text).toContain('Herts & Beds Partnership asked for ann@partner.example.org to get "Care <b>leavers</b> "weekly"", a feed that follows');
    expect(rendered.text).toContain('Topics: Care leavers');
    // No subscriber, so nothing to follow with: a partner's feed has no Follow links, though its items could be followed.
    expect(content.meetings[0]!.sections[0]!.follow).toBe('1/phrase/care-leavers-offer');
    expect(rendered.text).not.toMatch(/View in your browser|Change what you follow|Follow this item/);
    const links = [...rendered.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&#x3D;', '='));
    const own = links.filter((link) => link.startsWith(settings.baseUrl));
    expect(own).toHaveLength(1);
    const token = own[0]!.split('/feeds/unsubscribe/')[1]!;
    expect(verifyToken(settings.tokenSecret, token, 'feed-unsubscribe')).toMatchObject({ subject: recipient.publicId, version: 2 });
  });

  it('has one-click unsubscribe headers and a List-Id of its own feed', () => {
    const headers = feedDigestHeaders(settings, feedDigestEmail(settings, content, recipient, new Date()), recipient);
    expect(headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/digest\.example\.org\/feeds\/unsubscribe\/[\w.-]+>, <mailto:unsubscribe@news\.example\.org\?subject=unsubscribe%20[\w.-]+>$/,
    );
    const [, url, mailtoToken] = /^<(.+)>, <mailto:.+?subject=unsubscribe%20(.+)>$/.exec(headers['List-Unsubscribe']!)!;
    expect(mailtoToken).toBe(url!.split('/feeds/unsubscribe/')[1]);
    expect(verifyToken(settings.tokenSecret, mailtoToken!, 'feed-unsubscribe')).toMatchObject({ subject: recipient.publicId, version: 2 });
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['List-Id']).toBe(`Care bleavers/b weekly <feed.${recipient.feed.publicId}.news.example.org>`);
  });

  it('has a Message-ID derived from the recipient and the week, never a subscriber one', () => {
    const id = feedDigestMessageId(recipient.publicId, '2025-09-08', settings.mailFrom);
    expect(id).toBe(`<feed.${recipient.publicId}.2025-09-08@news.example.org>`);
    expect(id).not.toBe(digestMessageId(recipient.publicId, '2025-09-08', settings.mailFrom));
  });
});
