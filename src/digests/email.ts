import { feedDeliveryMessageId, feedRecipientLinks } from '../feeds/recipients.js';
import { quotedPrintable } from '../mail/quoted-printable.js';
import type { RenderedEmail, SendableEmail, Templates } from '../mail/templates.js';
import { mailtoWithToken, senderDomain, subscriberLinks, webcalUrl, type LinkSubject } from '../subscribers/links.js';
import type { DigestContent } from './compose.js';
import type { Week } from './week.js';

/**
 * One recipient's digest: the shared content plus their own links. A feed
 * recipient's names the feed and has only the unsubscribe link: there is no
 * preference centre, browser view or calendar of their own for them.
 */
export interface DigestEmail extends DigestContent, PersonalPart {
  feed: { name: string; partnerName: string } | null;
}

export interface DigestLinks {
  manage: string | null;
  unsubscribe: string;
  view: string | null;
  /** The subscriber's own calendar feed, a URL ending `.ics` (calendar/); null for a feed recipient. */
  calendar: string | null;
  /** The same feed as `webcal://`, which opens a calendar app and subscribes in one click. */
  webcal: string | null;
  home: string;
  /** What each agenda item's Follow link starts with (subscribers/links.ts followBase): one signature for all of them. Null for a feed's. */
  follow: string | null;
}

/** What differs between two recipients of the same digest. */
export interface PersonalPart {
  recipient: string;
  links: DigestLinks;
}

/** The feed a feed recipient's digest is for. */
export interface DigestFeed {
  id: number;
  name: string;
  partnerName: string;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    digest: DigestEmail;
  }
}

export interface MailSettings {
  /** PUBLIC_BASE_URL. */
  baseUrl: string;
  /** MAIL_FROM: its domain names Message-IDs, List-Id and the mailto unsubscribe. */
  mailFrom: string;
  tokenSecret: string;
  /** BOUNCE_DOMAIN: each digest's envelope sender names its delivery there (VERP); unset: MAIL_FROM. */
  bounceDomain?: string;
}

export interface Recipient extends LinkSubject {
  email: string;
}

/**
 * Derived from (subscriber, week), never random: if a worker dies between
 * the SMTP server's accept and the database write, the resend carries the
 * same Message-ID and mailbox providers fold the two into one.
 */
export function digestMessageId(publicId: string, week: Week, mailFrom: string): string {
  return `<digest.${publicId}.${week}@${senderDomain(mailFrom)}>`;
}

/** A subscriber's own links in their digest for a week. */
export function subscriberDigestLinks(settings: MailSettings, recipient: LinkSubject, week: Week): DigestLinks {
  const links = subscriberLinks(settings.baseUrl, settings.tokenSecret, recipient);
  const calendar = links.calendar();
  return { manage: links.manage(), unsubscribe: links.unsubscribe(), view: links.digest(week), calendar, webcal: webcalUrl(calendar), home: settings.baseUrl, follow: links.followBase() };
}

export function digestEmail(settings: MailSettings, content: DigestContent, recipient: Recipient): DigestEmail {
  return { ...content, recipient: recipient.email, feed: null, links: subscriberDigestLinks(settings, recipient, content.week) };
}

/**
 * RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button and
 * POST to the https URL. List-Unsubscribe-Post goes through `headers` because
 * nodemailer's `list` option cannot emit it. The mailto carries the https
 * link's own token (its last path segment): one signature serves both.
 */
function listHeaders(email: HeaderSource, mailFrom: string, listId: string): Record<string, string> {
  const url = email.links.unsubscribe;
  const mailto = mailtoWithToken(mailFrom, url.slice(url.lastIndexOf('/') + 1));
  return {
    'List-Unsubscribe': `<${url}>, <${mailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': listId,
    'X-Digest-Week': email.week,
  };
}

/** What the headers are made from: a whole DigestEmail will do. */
type HeaderSource = Pick<DigestEmail, 'week' | 'links'>;

export function digestHeaders(settings: MailSettings, email: HeaderSource): Record<string, string> {
  return listHeaders(email, settings.mailFrom, `Council Digest weekly <weekly.${senderDomain(settings.mailFrom)}>`);
}

/** A feed recipient: their link subject, and the feed as the digest names it. */
export interface FeedRecipientAddress extends Recipient {
  feed: { publicId: string; name: string; partnerName: string };
}

/** Derived from (feed recipient, week), like a subscriber's, and never equal to one. */
export function feedDigestMessageId(publicId: string, week: Week, mailFrom: string): string {
  return feedDeliveryMessageId(publicId, week, senderDomain(mailFrom));
}

/**
 * A feed recipient has only the unsubscribe link: no preference centre,
 * browser view or calendar. A calendar is a subscriber's filter set; a feed
 * recipient's filters are the partner's, and a feed has no calendar of its own.
 */
export function feedDigestLinks(settings: MailSettings, recipient: FeedRecipientAddress, now: Date): DigestLinks {
  const { unsubscribe } = feedRecipientLinks(settings.baseUrl, settings.tokenSecret, recipient, now);
  return { manage: null, unsubscribe, view: null, calendar: null, webcal: null, home: settings.baseUrl, follow: null };
}

export function feedDigestEmail(settings: MailSettings, content: DigestContent, recipient: FeedRecipientAddress, now: Date): DigestEmail {
  return {
    ...content,
    recipient: recipient.email,
    feed: { name: recipient.feed.name, partnerName: recipient.feed.partnerName },
    links: feedDigestLinks(settings, recipient, now),
  };
}

/**
 * One List-Id per feed, so a mail client can file each feed apart. The name
 * is a partner's: only characters that need no quoting or encoding are kept,
 * because nodemailer would MIME-encode the whole header, id and all.
 */
export function feedDigestHeaders(settings: MailSettings, email: HeaderSource, recipient: FeedRecipientAddress): Record<string, string> {
  const name = recipient.feed.name.replace(/[^\w!#$%&'*+\-/=?^`{|}~ ]/g, '').replace(/\s+/g, ' ').trim() || 'Council Digest feed';
  return listHeaders(email, settings.mailFrom, `${name} <feed.${recipient.feed.publicId}.${senderDomain(settings.mailFrom)}>`);
}

export function renderDigest(templates: Templates, email: DigestEmail): RenderedEmail {
  return templates.render('digest', email);
}

/** A digest rendered once for everyone who gets it: `render` and `send` add one recipient's part. */
export interface PreparedDigest {
  content: DigestContent;
  /** Equal to renderDigest of the DigestEmail with this personal part. */
  render(personal: PersonalPart): RenderedEmail;
  /**
   * The subject of `render(personal)`, and its html and text quoted-printable, for sending. A digest
   * prepared for many encodes its shared pieces once (see mail/quoted-printable.ts); one for a single
   * recipient renders and encodes whole, as nodemailer would, without its streams.
   */
  send(personal: PersonalPart): SendableEmail;
}

/**
 * A subscriber digest (feed null) or a feed's: the two differ in which links
 * they have. For one recipient (`reused` false) it renders straight away, as
 * preparing would cost more than it saves. One prepared for a real run
 * (`sending`) keeps its html and text only encoded, half the memory of a
 * digest a dry run renders: its `render` renders the whole again.
 */
export function prepareDigest(
  templates: Templates,
  content: DigestContent,
  feed: DigestFeed | null,
  home: string,
  { reused = true, sending = false }: { reused?: boolean; sending?: boolean } = {},
): PreparedDigest {
  const named = feed && { name: feed.name, partnerName: feed.partnerName };
  const renderWhole = ({ recipient, links }: PersonalPart) => renderDigest(templates, { ...content, recipient, links, feed: named });
  if (!reused) {
    return {
      content,
      render: renderWhole,
      send: (personal) => {
        const { subject, html, text } = renderWhole(personal);
        return { subject, encoded: { html: quotedPrintable(html), text: quotedPrintable(text) } };
      },
    };
  }
  const make = (slot: (key: string) => string) => ({
    ...content,
    recipient: slot('recipient'),
    feed: named,
    links: feed
      ? { manage: null, unsubscribe: slot('unsubscribe'), view: null, calendar: null, webcal: null, home, follow: null }
      : { manage: slot('manage'), unsubscribe: slot('unsubscribe'), view: slot('view'), calendar: slot('calendar'), webcal: slot('webcal'), home, follow: slot('follow') },
  });
  const values = ({ recipient, links }: PersonalPart) => {
    const own = [links.manage, links.view, links.calendar, links.webcal, links.follow];
    if (own.some((link) => (link === null) !== Boolean(feed))) {
      throw new Error('a feed digest has no manage, view, calendar or follow link, and a subscriber digest has all of them');
    }
    const { unsubscribe } = links;
    return { recipient, unsubscribe, ...(feed ? {} : { manage: links.manage!, view: links.view!, calendar: links.calendar!, webcal: links.webcal!, follow: links.follow! }) };
  };
  if (sending) {
    const prepared = templates.prepareToSend('digest', make);
    return { content, render: renderWhole, send: (personal) => prepared.send(values(personal)) };
  }
  const prepared = templates.prepare('digest', make);
  return {
    content,
    render: (personal) => prepared.fill(values(personal)),
    send: (personal) => prepared.send(values(personal)),
  };
}
