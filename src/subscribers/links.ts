import { confirmLinkDays, resubscribeLinkDays, signToken, type TokenPurpose } from '../tokens/signed-links.js';


export interface LinkSubject {
  publicId: string;
  tokenVersion: number;
}

/**
 * Every link a subscriber is mailed, built in one place so emails, pages and
 * headers agree. Tokens carry the random public id, never a row id.
 */
export function subscriberLinks(baseUrl: string, secret: string, subscriber: LinkSubject, now = new Date()) {
  const token = (purpose: TokenPurpose, extra: { expiresAt?: number; context?: string } = {}) =>
    signToken(secret, { purpose, subject: subscriber.publicId, version: subscriber.tokenVersion, ...extra });
  const inDays = (days: number) => Math.floor(now.getTime() / 1000) + days * 86_400;
  const followBase = () => `${baseUrl}/follow/${token('follow')}`;
  return {
    confirm: () => `${baseUrl}/confirm/${token('confirm', { expiresAt: inDays(confirmLinkDays) })}`,
    manage: () => `${baseUrl}/preferences/${token('manage')}`,
    unsubscribe: () => `${baseUrl}/unsubscribe/${token('unsubscribe')}`,
    /**
     * Issued after an unsubscribe with the new version, so it outlives the
     * bump that killed every earlier link; short-lived, and good for nothing else.
     */
    resubscribe: () => `${baseUrl}/resubscribe/${token('resubscribe', { expiresAt: inDays(resubscribeLinkDays) })}`,
    /** View one week's digest in a browser; `week` is its Monday (YYYY-MM-DD). */
    digest: (week: string) => `${baseUrl}/digests/${token('digest', { context: week })}`,
    /** The subscriber's own calendar feed (calendar/); it lasts as long as the subscription. `webcalUrl` of it subscribes in one click. */
    calendar: () => `${baseUrl}/calendar/${token('calendar')}.ics`,
    /**
     * The subscriber's part of every Follow link (follows/): one signature per
     * digest, whatever the number of its items. A Follow link is this and the
     * item's path (`follows/item.ts` `followItemPath`: its meeting and what
     * following it looks for), which the page checks against that meeting's agenda.
     */
    followBase,
    /** Follow one agenda item: `itemPath` is `followItemPath(meetingId, key)`. */
    follow: (itemPath: string) => `${followBase()}/${itemPath}`,
  };
}

/**
 * The `webcal://` form of a feed's http(s) URL (https://host/a.ics →
 * webcal://host/a.ics): a link that opens the reader's calendar app and
 * subscribes, where the https URL would download the file once. webcal is
 * not a scheme of its own (calendar apps fetch it over https, or http for an
 * http base), so anything that is not an absolute http(s) URL is a mistake
 * and throws.
 */
export function webcalUrl(url: string): string {
  const match = /^https?:\/\/(?=[^/])/i.exec(url);
  if (!match) throw new TypeError(`webcal:// is made from an absolute http(s) URL, not "${url}"`);
  return `webcal://${url.slice(match[0].length)}`;
}

/** The domain of MAIL_FROM ("Council Digest <digest@Example.org>" → example.org): it names Message-IDs, List-Ids and unsubscribe addresses. */
export function senderDomain(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1]?.toLowerCase() ?? 'localhost';
}

/** Where mailed unsubscribes go: the inbound server (src/inbound) reads it. */
export function unsubscribeAddress(mailFrom: string): string {
  return `unsubscribe@${senderDomain(mailFrom)}`;
}

/** The mailto half of List-Unsubscribe: an address at the sender's domain with an unsubscribe token in the subject. */
export function mailtoWithToken(mailFrom: string, token: string): string {
  return `mailto:${unsubscribeAddress(mailFrom)}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
}
