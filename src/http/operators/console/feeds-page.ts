import { roleIncludes } from '../../../console/operators.js';
import type { FeedPreview } from '../../../feeds/items.js';
import type { FilterLine } from '../../../subscribers/filters.js';
import { html } from '../../html/html.js';
import { when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface FeedCard {
  id: string;
  name: string;
  status: string;
  partner: string;
  createdAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
  choices: FilterLine[];
  recipients: { email: string; status: string }[];
  preview: FeedPreview | null;
}

const statuses = ['requested', 'active', 'rejected', 'all'] as const;

function card(context: PageContext, feed: FeedCard, zone: string) {
  const decide = context.actor && roleIncludes(context.actor.role, 'operator') && feed.status === 'requested';
  return html`<section class="card" aria-labelledby="feed-${feed.id}">
<h2 id="feed-${feed.id}">${feed.name} <span class="tag">${feed.status}</span></h2>
<p class="muted">From ${feed.partner}, asked ${when(feed.createdAt, zone)}${feed.decidedAt ? `, decided ${when(feed.decidedAt, zone)}` : ''}</p>
${feed.decisionNote && html`<p><strong>Note:</strong> ${feed.decisionNote}</p>`}
<dl class="choices-summary">${feed.choices.map((line) => html`<dt>${line.label}</dt><dd>${line.values.join(', ')}</dd>`)}
<dt>Recipients</dt><dd>${feed.recipients.map((recipient) => `${recipient.email} (${recipient.status})`).join(', ') || 'none'}</dd></dl>
${
  feed.preview &&
  html`<p><strong>Over the last four weeks</strong> it would have matched ${feed.preview.meetings} meetings, ${feed.preview.sections} sections${feed.preview.examples.length ? ', for example:' : '.'}</p>
<ul>${feed.preview.examples.map((example) => html`<li>${example.title} (${example.council})${example.sections.length ? html`: ${example.sections.join('; ')}` : ''}</li>`)}</ul>`
}
${
  decide &&
  html`<div class="actions">
<form method="post" action="/admin/feeds/${feed.id}/approve">${csrfField(context)}
<div class="field"><label for="approve-note-${feed.id}">Note to the partner (optional)</label><input id="approve-note-${feed.id}" name="note" type="text"></div>
<button class="button" type="submit">Approve</button></form>
<form method="post" action="/admin/feeds/${feed.id}/reject">${csrfField(context)}
<div class="field"><label for="reject-note-${feed.id}">Why not (sent to the partner)</label><input id="reject-note-${feed.id}" name="note" type="text" required></div>
<button class="button warning" type="submit">Reject</button></form>
</div>`
}
</section>`;
}

export function feedsPage(context: PageContext, options: { feeds: FeedCard[]; status: string; notice?: string; zone: string }): string {
  return consolePage(context, {
    title: 'Feed requests',
    current: '/admin/feeds',
    body: html`<h1>Feeds</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<nav class="console-nav" aria-label="Feed status"><ul>${statuses.map(
      (status) => html`<li><a href="/admin/feeds?status=${status}"${options.status === status ? html` aria-current="page"` : ''}>${status === 'requested' ? 'waiting' : status}</a></li>`,
    )}</ul></nav>
${options.feeds.length ? options.feeds.map((feed) => card(context, feed, options.zone)) : html`<p class="muted">No feeds here.</p>`}`,
  });
}
