import { beforeAll, describe, expect, it } from 'vitest';
import { composeDigest, type DigestContent } from '../../src/digests/compose.js';
import { digestEmail, digestHeaders, digestMessageId, prepareDigest, renderDigest, type MailSettings } from '../../src/digests/email.js';
import type { RenderedEmail, Templates } from '../../src/mail/templates.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { normaliseFilters } from '../../src/subscribers/filters.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { verifyToken } from '../../src/tokens/signed-links.js';
import { startSmtpSink } from '../helpers/smtp.js';
import { catalogue, meeting, section } from './builders.js';
import { testTemplates } from '../helpers/templates.js';

const settings: MailSettings = { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@news.example.org>', tokenSecret: 's'.repeat(40) };
const recipient = { email: 'anna@example.org', publicId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', tokenVersion: 3 };
const hostile = '<script>alert("x")</script>';
/** The start of every Follow link in this recipient's digest: their one signed part. */
const followBase = subscriberLinks(settings.baseUrl, settings.tokenSecret, recipient).followBase();

let templates: Templates;
let content: DigestContent;
let rendered: RenderedEmail;

beforeAll(async () => {
  templates = await testTemplates();
  content = composeDigest({
    week: '2025-09-08',
    zone: 'Europe/London',
    filters: normaliseFilters({}),
    catalogue,
    meetings: [
      meeting({
        title: `Budget ${hostile}`,
        summary: `A summary with <b>markup</b> & an ampersand.`,
        sources: { council: 'https://council.example.org/meeting/1', video: 'https://video.example.org/1' },
        sections: [
          section(`Item ${hostile}`, {
            blocks: [
              { type: 'paragraph', text: 'Main points:' },
              { type: 'list', items: ['Money: The allocation is £10.8 million.', `Plain <img src=x onerror=alert(1)> point`] },
            ],
          }),
        ],
      }),
    ],
    upcoming: [meeting({ status: 'scheduled', startsAt: '2025-09-17T13:00:00.000Z', sections: [section(`Play areas ${hostile}`), section('Libraries')] })],
  })!;
  rendered = renderDigest(templates, digestEmail(settings, content, recipient));
});

describe('the rendered digest', () => {
  it('turns meeting text into text, never markup, in the HTML part', () => {
    expect(rendered.html).not.toContain('<script>alert');
    expect(rendered.html).not.toContain('<img src=x');
    expect(rendered.html).not.toContain('<b>markup</b>');
    expect(rendered.html).toContain('Budget &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(rendered.html).toContain('&lt;b&gt;markup&lt;/b&gt; &amp; an ampersand');
    expect(rendered.html).toContain(`On the agenda: Play areas &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (<a href="${followBase}/1/phrase/play-areas-script-alert-x-script" style="color:#4b5563;">follow</a>); Libraries</span>`);
  });

  it('has a real plain-text part with the same content, unescaped', () => {
    expect(rendered.text).toContain(`Budget ${hostile}`);
    expect(rendered.text).toContain("Children's Social Care Cabinet Panel\n====================================");
    expect(rendered.text).toContain('  - Money: The allocation is £10.8 million.');
    expect(rendered.text).toContain('* £10.8 million: The allocation is £10.8 million.');
    expect(rendered.text).toContain('Coming up\n* Wednesday 17 September, 2pm');
    expect(rendered.text).toContain(`  On the agenda:\n  - Play areas ${hostile} (follow: ${followBase}/1/phrase/play-areas-script-alert-x-script)\n  - Libraries\n`);
    expect(rendered.text).not.toMatch(/<\/?(p|div|ul|li|strong)\b/);
    expect(rendered.text).not.toContain('&lt;');
  });

  it('gives each agenda item that names a matter a Follow link signed for the recipient, in both parts, and none to a one-word or procedural item', () => {
    const item = `${followBase}/1/phrase/item-script-alert-x-script`;
    expect(rendered.html).toContain(`<a href="${item}" style="color:#1d4ed8;">Follow this item</a>`);
    expect(rendered.text).toContain(`Follow this item: ${item}\n`);
    expect(rendered.text).not.toContain('/phrase/libraries');
    const token = followBase.split('/').at(-1)!;
    expect(verifyToken(settings.tokenSecret, token, 'follow')).toEqual({ purpose: 'follow', subject: recipient.publicId, version: 3 });
  });

  it('says what is inside in the subject and the preheader', () => {
    expect(rendered.subject).toBe(`Children's Social Care Cabinet Panel, 10 Sept: Item ${hostile}`);
    expect(rendered.html).toMatch(/<div style="display:none;[^"]*">Key figures: £10\.8 million\. A summary with &lt;b&gt;markup/);
  });

  it('loads nothing from elsewhere (no web fonts)', () => {
    expect(rendered.html).not.toMatch(/<link\b|@import|fonts\.googleapis/);
  });

  it('is readable in dark mode and on a phone', () => {
    expect(rendered.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(rendered.html).toContain('@media (prefers-color-scheme: dark)');
    expect(rendered.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(rendered.html).toMatch(/@media only screen and \(min-width:480px\)/);
  });

  it('links to the council page, the video, coming up, and back to manage and unsubscribe', () => {
    const links = [...rendered.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&#x3D;', '='));
    expect(links).toEqual(
      expect.arrayContaining([
        'https://council.example.org/meeting/1',
        'https://video.example.org/1',
        expect.stringMatching(/^https:\/\/digest\.example\.org\/preferences\//),
        expect.stringMatching(/^https:\/\/digest\.example\.org\/unsubscribe\//),
        expect.stringMatching(/^https:\/\/digest\.example\.org\/digests\//),
      ]),
    );
    const view = links.find((link) => link.includes('/digests/'))!;
    expect(verifyToken(settings.tokenSecret, view.split('/digests/')[1]!, 'digest')).toMatchObject({ subject: recipient.publicId, version: 3, context: '2025-09-08' });
    expect(rendered.text).toMatch(/Unsubscribe: https:\/\/digest\.example\.org\/unsubscribe\/\S+/);
    expect(rendered.text).toContain('You are getting this because anna@example.org follows Councils: All councils');
  });
});

describe('a digest as it is sent', () => {
  it('reads in a mailbox exactly as rendered, encoded whole for one recipient or in shared pieces for many, kept plain beside them or not', async () => {
    const email = digestEmail(settings, content, recipient);
    const personal = { recipient: email.recipient, links: email.links };
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: sink.url, from: settings.mailFrom });
    try {
      const ways = [{ reused: false }, { reused: true }, { reused: true, sending: true }];
      for (const way of ways) {
        const digest = prepareDigest(templates, content, null, settings.baseUrl, way);
        expect(digest.render(personal)).toEqual(rendered);
        await mailer.send({ to: recipient.email, ...digest.send(personal) });
      }
      for (const { parsed } of await sink.waitFor(ways.length)) {
        expect(parsed.html).toBe(rendered.html);
        expect(parsed.text).toBe(rendered.text);
        expect(parsed.subject).toBe(rendered.subject);
      }
    } finally {
      await mailer.close();
    }
  });
});

describe('the digest headers', () => {
  it('offer one-click unsubscribe over https and mailto, and name the list', () => {
    const email = digestEmail(settings, content, recipient);
    const headers = digestHeaders(settings, email);
    expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/digest\.example\.org\/unsubscribe\/[\w.-]+>, <mailto:unsubscribe@news\.example\.org\?subject=unsubscribe%20[\w.-]+>$/);
    const [, url, mailtoToken] = /^<(.+)>, <mailto:.+?subject=unsubscribe%20(.+)>$/.exec(headers['List-Unsubscribe']!)!;
    expect(mailtoToken).toBe(url!.split('/unsubscribe/')[1]);
    expect(verifyToken(settings.tokenSecret, mailtoToken!, 'unsubscribe')).toMatchObject({ subject: recipient.publicId });
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['List-Id']).toBe('Council Digest weekly <weekly.news.example.org>');
  });

  it('derive the Message-ID from the subscriber and the week', () => {
    expect(digestMessageId(recipient.publicId, '2025-09-08', settings.mailFrom)).toBe(`<digest.${recipient.publicId}.2025-09-08@news.example.org>`);
    expect(digestMessageId(recipient.publicId, '2025-09-08', settings.mailFrom)).toBe(digestMessageId(recipient.publicId, '2025-09-08', settings.mailFrom));
  });
});
