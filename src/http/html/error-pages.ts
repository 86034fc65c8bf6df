import { confirmLinkDays } from '../../tokens/signed-links.js';
import type { TokenProblem, TokenPurpose } from '../../tokens/signed-links.js';
import { html } from './html.js';
import { messagePage } from './layout.js';

/** The 400 page for a link that cannot be used: what happened, and what to do instead. Never whose link it was. */
export function badLinkPage(problem: TokenProblem, purpose: TokenPurpose): string {
  if (problem === 'expired' && purpose === 'confirm') {
    return messagePage({
      title: 'This confirmation link has expired',
      lead: `Confirmation links work for ${confirmLinkDays} days. Sign up again and we'll send you a new one.`,
      more: html`<p><a class="button" href="/">Sign up again</a></p>`,
    });
  }
  if (problem === 'expired') {
    return messagePage({
      title: 'This link has expired',
      lead: 'Use the link in the most recent email from us instead.',
    });
  }
  if (problem === 'revoked') {
    return messagePage({
      title: 'This link no longer works',
      lead: 'Links stop working once an address unsubscribes, or a sign-up left unconfirmed is deleted, so old emails cannot change anything.',
      more: html`<p>If you still get digests, use the link in the newest one. To start again, <a href="/">sign up</a>.</p>`,
    });
  }
  return messagePage({
    title: "This link doesn't work",
    lead: 'It may have been cut short or changed on the way. Copy the whole link from the email, or use the link in the most recent email from us.',
    more: html`<p>New here? <a href="/">Sign up for the weekly digest</a>.</p>`,
  });
}

const statusPages: Record<number, { title: string; lead: string }> = {
  400: { title: "We couldn't read that", lead: 'Something in what was sent does not look right. Go back and try again.' },
  403: {
    title: 'That form has expired',
    lead: 'Forms only work for a while, and only on this site. Go back, reload the page and try again.',
  },
  404: { title: 'Page not found', lead: 'Check the address, or start from the home page.' },
  410: { title: 'This link has ended', lead: 'It belonged to a subscription that has ended.' },
  413: { title: 'That was too much to send', lead: 'Go back and try again with fewer or shorter keywords.' },
  415: { title: "We couldn't read that", lead: 'Send the form from this site.' },
  429: { title: 'Too many attempts', lead: 'Please wait a while and try again.' },
  500: { title: 'Something went wrong on our side', lead: 'It has been logged. Please try again in a few minutes.' },
};

/** The HTML answer for an error status on a page route; `detail` adds the specific reason (never internals). */
export function statusPage(status: number, detail?: string): string {
  const known = statusPages[status] ?? statusPages[status >= 500 ? 500 : 400]!;
  return messagePage({
    title: known.title,
    lead: known.lead,
    more: html`${detail && html`<p>${detail}</p>`}<p><a href="/">Go to the home page</a></p>`,
  });
}
