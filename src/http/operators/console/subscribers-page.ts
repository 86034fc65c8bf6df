import { roleIncludes } from '../../../console/operators.js';
import { subscriberStatuses, type SubscriberStatus } from '../../../db/schema/index.js';
import type { FilterLine } from '../../../subscribers/filters.js';
import { html, type SafeHtml } from '../../html/html.js';
import { number, when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

const may = (context: PageContext, role: 'operator' | 'owner') => Boolean(context.actor && roleIncludes(context.actor.role, role));

export interface SubscriberRow {
  id: number;
  email: string | null;
  status: SubscriberStatus;
  createdAt: Date;
}

const statusTag = (status: SubscriberStatus) =>
  html`<span class="tag ${status === 'active' ? 'good' : status === 'erased' || status === 'unsubscribed' ? 'bad' : ''}">${status}</span>`;

export function subscribersPage(
  context: PageContext,
  options: { rows: SubscriberRow[]; total: number; q: string; status: string; nextBefore: number | null; zone: string },
): string {
  const next = new URLSearchParams({ ...(options.q ? { q: options.q } : {}), ...(options.status ? { status: options.status } : {}), before: String(options.nextBefore) });
  return consolePage(context, {
    title: 'Subscribers',
    current: '/admin/subscribers',
    body: html`<h1>Subscribers</h1>
<form class="inline-form" method="get" action="/admin/subscribers" role="search">
<div class="field"><label for="q">Address contains</label><input id="q" name="q" type="search" value="${options.q}"></div>
<div class="field"><label for="status">Status</label><select id="status" name="status"><option value="">Any</option>${subscriberStatuses.map(
      (status) => html`<option value="${status}"${options.status === status ? html` selected` : ''}>${status}</option>`,
    )}</select></div>
<button class="button secondary" type="submit">Search</button>
</form>
<p>${number(options.total)} ${options.total === 1 ? 'subscriber' : 'subscribers'} found. <a href="/admin/subscribers/suppressions">The suppression list</a></p>
${
  options.rows.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Subscribers, newest first</caption>
<thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Signed up</th></tr></thead>
<tbody>${options.rows.map(
        (row) => html`<tr><td><a href="/admin/subscribers/${row.id}">${row.email ?? `(erased #${row.id})`}</a></td><td>${statusTag(row.status)}</td><td>${when(row.createdAt, options.zone)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">Nobody matches.</p>`
}
${options.nextBefore && html`<p><a href="/admin/subscribers?${next.toString()}">Older</a></p>`}`,
  });
}

export interface SubscriberDetail {
  id: number;
  email: string | null;
  status: SubscriberStatus;
  choices: FilterLine[];
  consentSource: string;
  createdAt: Date;
  confirmedAt: Date | null;
  hardBounces: number;
  suppressed: string | null;
  deliveries: { week: string; status: string; subject: string | null; error: string | null; attempts: number }[];
}

export function subscriberPage(context: PageContext, subscriber: SubscriberDetail, zone: string): string {
  const label = subscriber.email ?? `Erased subscriber #${subscriber.id}`;
  return consolePage(context, {
    title: label,
    current: '/admin/subscribers',
    body: html`<h1>${label}</h1>
<dl class="choices-summary">
<dt>Status</dt><dd>${statusTag(subscriber.status)}</dd>
<dt>Signed up</dt><dd>${when(subscriber.createdAt, zone)} (${subscriber.consentSource})</dd>
<dt>Confirmed</dt><dd>${when(subscriber.confirmedAt, zone)}</dd>
<dt>Hard bounces</dt><dd>${subscriber.hardBounces}</dd>
<dt>Suppressed</dt><dd>${subscriber.suppressed ?? 'no'}</dd>
${subscriber.choices.map((line) => html`<dt>${line.label}</dt><dd>${line.values.join(', ')}</dd>`)}
</dl>
<div class="actions">
${may(context, 'operator') && html`<a class="button secondary" href="/admin/subscribers/${subscriber.id}/export" download>Export everything stored</a>`}
${may(context, 'owner') && subscriber.status !== 'erased' && html`<a class="button warning" href="/admin/subscribers/${subscriber.id}/erase">Erase…</a>`}
</div>
<h2>Deliveries</h2>
${
  subscriber.deliveries.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Weekly digests, newest first</caption>
<thead><tr><th scope="col">Week</th><th scope="col">Status</th><th scope="col">Subject</th><th scope="col">Error</th><th scope="col" class="number">Attempts</th></tr></thead>
<tbody>${subscriber.deliveries.map(
        (delivery) => html`<tr><td>${delivery.week}</td><td>${delivery.status}</td><td>${delivery.subject ?? '–'}</td><td>${delivery.error ?? ''}</td><td class="number">${delivery.attempts}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No digest yet.</p>`
}
<p><a href="/admin/subscribers">All subscribers</a></p>`,
  });
}

export function eraseConfirmPage(context: PageContext, subscriber: { id: number; email: string | null; deliveries: number }): string {
  return consolePage(context, {
    title: 'Erase this subscriber?',
    current: '/admin/subscribers',
    body: html`<h1>Erase ${subscriber.email ?? `#${subscriber.id}`}?</h1>
<div class="confirm danger"><p class="lead">Their address, filters and consent note are removed for good and every link they were mailed stops working. The row stays, without them, so the ${number(subscriber.deliveries)} delivery counts still add up. This cannot be undone.</p></div>
<form method="post" action="/admin/subscribers/${subscriber.id}/erase">
${csrfField(context)}
<div class="choice field"><input id="suppress" name="suppress" type="checkbox" value="1"><label for="suppress">Also put the address on the suppression list, so it cannot be signed up again</label></div>
<div class="actions"><button class="button warning" type="submit">Erase for good</button><a href="/admin/subscribers/${subscriber.id}">Cancel</a></div>
</form>`,
  });
}

export function erasedPage(context: PageContext, id: number, suppressed: boolean): string {
  return consolePage(context, {
    title: 'Subscriber erased',
    current: '/admin/subscribers',
    body: html`<h1>Subscriber #${id} erased</h1>
<div class="notice" role="status"><p>Their personal data is gone${suppressed ? ' and the address is on the suppression list' : ''}.</p></div>
<p><a href="/admin/subscribers">Back to subscribers</a></p>`,
  });
}

export interface SuppressionRow {
  email: string;
  reason: string;
  note: string | null;
  createdAt: Date;
}

export function suppressionsPage(context: PageContext, options: { rows: SuppressionRow[]; q: string; notice?: string; zone: string }): string {
  const lift = (row: SuppressionRow): SafeHtml | false =>
    may(context, 'owner') &&
    html`<form method="post" action="/admin/subscribers/suppressions/lift">${csrfField(context)}<input type="hidden" name="email" value="${row.email}"><button class="button secondary" type="submit">Lift<span class="visually-hidden"> for ${row.email}</span></button></form>`;
  return consolePage(context, {
    title: 'Suppression list',
    current: '/admin/subscribers',
    body: html`<h1>Suppression list</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<p class="lead">Nothing is ever mailed to these addresses, not even a confirmation.</p>
${
  may(context, 'operator') &&
  html`<form class="inline-form" method="post" action="/admin/subscribers/suppressions">
${csrfField(context)}
<div class="field"><label for="suppress-email">Address</label><input id="suppress-email" name="email" type="email" required></div>
<div class="field"><label for="suppress-note">Note</label><input id="suppress-note" name="note" type="text"></div>
<button class="button" type="submit">Suppress</button>
</form>`
}
<form class="inline-form" method="get" action="/admin/subscribers/suppressions" role="search">
<div class="field"><label for="q">Address contains</label><input id="q" name="q" type="search" value="${options.q}"></div>
<button class="button secondary" type="submit">Search</button>
</form>
${
  options.rows.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Suppressed addresses</caption>
<thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Note</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${options.rows.map((row) => html`<tr><td>${row.email}</td><td>${row.reason}</td><td>${row.note ?? ''}</td><td>${when(row.createdAt, options.zone)}</td><td>${lift(row)}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">No address is suppressed.</p>`
}
<p><a href="/admin/subscribers">All subscribers</a></p>`,
  });
}
