import { html } from '../html/html.js';
import { messagePage } from '../html/layout.js';
import type { RecipientContext } from '../../feeds/recipients.js';

/** The few pages a feed recipient sees from the links in their emails. Every value is escaped by `html`. */

function feedLabel({ feed, partnerName }: RecipientContext) {
  return html`“${feed.name}” from ${partnerName}`;
}

export function confirmedPage(context: RecipientContext, unsubscribeUrl: string): string {
  return messagePage({
    title: 'You are subscribed',
    lead: html`${context.recipient.email} will get ${feedLabel(context)} every week, when there are meetings to report.`,
    more: html`<p>Every email has a link to unsubscribe. You can also <a href="${unsubscribeUrl}">unsubscribe now</a>.</p>`,
  });
}

export function unsubscribeFormPage(context: RecipientContext, action: string): string {
  if (context.recipient.status === 'unsubscribed') return unsubscribedPage(context);
  return messagePage({
    title: 'Unsubscribe from this feed?',
    lead: html`${context.recipient.email} gets ${feedLabel(context)}.`,
    more: html`<form method="post" action="${action}" class="actions"><button type="submit" class="button warning">Unsubscribe</button></form>`,
  });
}

export function unsubscribedPage(context: RecipientContext, resubscribeUrl?: string): string {
  return messagePage({
    title: 'You are unsubscribed',
    lead: html`${context.recipient.email} will get no more emails for ${feedLabel(context)}.`,
    more: resubscribeUrl && html`<p>Changed your mind? <a href="${resubscribeUrl}">Subscribe again</a>.</p>`,
  });
}

/** A damaged, forged, expired or outdated link: said plainly, naming nobody. */
export function badLinkPage(reason: string): string {
  return messagePage({
    title: 'This link does not work',
    lead: reason,
    more: html`<p>If you meant to confirm a feed, contact the organisation that set it up.</p>`,
  });
}
