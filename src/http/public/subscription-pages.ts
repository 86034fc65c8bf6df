import type { SubscriberStatus } from '../../db/schema/index.js';
import type { FilterCatalogue, FilterSet } from '../../subscribers/filters.js';
import type { SubscriberAction } from '../../subscribers/preferences.js';
import type { Problem } from '../../subscribers/signup.js';
import { defaultSubmit, errorSummary, filterFields, hiddenFormToken } from '../html/forms.js';
import { html, type SafeHtml } from '../html/html.js';
import { messagePage, page } from '../html/layout.js';

/** A form's action path and the hidden token that goes with it. */
export interface FormTarget {
  action: string;
  token: string;
}

const standing: Record<SubscriberStatus, string> = {
  pending: 'Your subscription is waiting for you to confirm it: use the link in the confirmation email.',
  active: 'You get a digest every Monday.',
  paused: 'Your digest is paused: nothing is sent until you resume it.',
  unsubscribed: "You're unsubscribed: nothing is sent.",
  erased: '',
};

const buttons: Record<Exclude<SubscriberAction, 'unsubscribe'>, { label: string; style: string }> = {
  pause: { label: 'Pause my digest', style: 'secondary' },
  resume: { label: 'Resume my digest', style: '' },
  resubscribe: { label: 'Re-subscribe', style: '' },
};

function actionButton(target: FormTarget, action: keyof typeof buttons): SafeHtml {
  const button = buttons[action];
  return html`<form method="post" action="${target.action}">${hiddenFormToken(target.token)}<input type="hidden" name="action" value="${action}"><button type="submit" class="button ${button.style}">${button.label}</button></form>`;
}

/** One follow as the preference centre lists it. */
export interface ListedFollow {
  id: number;
  label: string;
  /** describeFollow's words: "items mentioning 25/00912/FULM". */
  lookingFor: string;
  alerts: boolean;
}

function followForm(target: FormTarget, follow: ListedFollow, action: string, label: string, style: string, extra: { name: string; value: string } | null = null) {
  return html`<form method="post" action="${target.action}">${hiddenFormToken(target.token)}<input type="hidden" name="action" value="${action}"><input type="hidden" name="follow" value="${String(follow.id)}">${extra && html`<input type="hidden" name="${extra.name}" value="${extra.value}">`}<button type="submit" class="button ${style}">${label}</button></form>`;
}

/** What the subscriber follows, each with its alerts switch and a remove button. */
function followList(target: FormTarget, follows: ListedFollow[]) {
  if (!follows.length) return html``;
  return html`<h2 id="follows">Items you follow</h2>
<p>Meetings that list these come first in your digest and join your calendar, whatever else you chose.</p>
<ul class="follows">${follows.map(
    (follow) => html`<li><strong>${follow.label}</strong><br>We look for ${follow.lookingFor}. Alerts by email: ${follow.alerts ? 'on' : 'off'}.
<div class="actions">${followForm(target, follow, 'follow-alerts', follow.alerts ? 'Stop the alerts' : 'Email me alerts', 'secondary', { name: 'alerts', value: follow.alerts ? 'off' : 'on' })}${followForm(target, follow, 'unfollow', 'Stop following', 'secondary')}</div></li>`,
  )}</ul>`;
}

export function preferencesPage(options: {
  email: string;
  follows?: ListedFollow[];
  status: SubscriberStatus;
  actions: SubscriberAction[];
  catalogue: FilterCatalogue;
  chosen: FilterSet;
  preferences: FormTarget;
  unsubscribe: FormTarget;
  /** The subscriber's own calendar feed (.ics) and its webcal:// form; null when it would answer 410 (not active or paused). */
  calendar: { ics: string; webcal: string } | null;
  notice?: string;
  problems?: Problem[];
  committeeSearch?: string;
  /** The alerts part (alert-pages.ts), when alerts are on. */
  alerts?: SafeHtml;
}): string {
  const problems = options.problems ?? [];
  const can = (action: SubscriberAction) => options.actions.includes(action);
  return page({
    title: problems.length ? 'Error: Your subscription' : 'Your subscription',
    body: html`<h1>Your subscription</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
${errorSummary(problems)}
<p class="status">Digests for <strong>${options.email}</strong>. ${standing[options.status]}</p>
${can('resubscribe') && html`<div class="actions">${actionButton(options.preferences, 'resubscribe')}</div>`}
${followList(options.preferences, options.follows ?? [])}
<h2>What you get</h2>
<form method="post" action="${options.preferences.action}">
${hiddenFormToken(options.preferences.token)}
${defaultSubmit('Save my choices')}
${filterFields(options.catalogue, options.chosen, problems, { words: options.committeeSearch ?? '' })}
<button type="submit" class="button">Save my choices</button>
</form>
${options.calendar && calendarSection(options.calendar)}
${options.alerts}
${(can('pause') || can('resume')) &&
  html`<h2>Take a break</h2>
<p>${can('pause') ? 'Pausing keeps your choices and sends nothing until you resume.' : 'Resume to get the digest again from next Monday.'}</p>
<div class="actions">${actionButton(options.preferences, can('pause') ? 'pause' : 'resume')}</div>`}
${can('unsubscribe') &&
  html`<h2>Stop the digest</h2>
<p>Unsubscribing stops every email from us. You can come back at any time.</p>
<form method="post" action="${options.unsubscribe.action}">${hiddenFormToken(options.unsubscribe.token)}<button type="submit" class="button warning">Unsubscribe</button></form>`}`,
  });
}

/** The subscriber's calendar: one click for apps that take webcal://, the .ics address to paste for the rest. */
function calendarSection(calendar: { ics: string; webcal: string }): SafeHtml {
  return html`<h2 id="calendar">Meetings in your calendar</h2>
<p>Your calendar app can show the coming meetings on what you follow, and keep them up to date when a council moves or cancels one.</p>
<p><a class="button secondary" href="${calendar.webcal}">Subscribe in your calendar app</a></p>
<p>Or add this address as a calendar from a URL (Google Calendar: Other calendars, +, From URL; Outlook: Add calendar, Subscribe from web): <a href="${calendar.ics}" class="calendar-address">${calendar.ics}</a></p>
<p class="hint">The address is yours alone: anyone who has it can see which meetings you follow. It stops working if you unsubscribe.</p>`;
}

/** What an unsubscribe link opens: one button, so a link scanner fetching the page unsubscribes nobody. */
export function unsubscribePage(options: { email: string; unsubscribe: FormTarget; managePath: string }): string {
  return messagePage({
    title: 'Unsubscribe from Council Digest?',
    lead: html`We'll stop sending the weekly digest to <strong>${options.email}</strong>.`,
    more: html`<form method="post" action="${options.unsubscribe.action}">${hiddenFormToken(options.unsubscribe.token)}<button type="submit" class="button warning">Unsubscribe</button></form>
<p>Too many emails or the wrong ones? You can <a href="${options.managePath}">pause the digest or change what you get</a> instead.</p>`,
  });
}

export function unsubscribedPage(options: { email: string; resubscribe: FormTarget }): string {
  return messagePage({
    title: "You're unsubscribed",
    lead: html`We won't send any more digests to <strong>${options.email}</strong>.`,
    more: html`<h2>Unsubscribed by mistake?</h2>
<p>One click brings your digest back, with the same choices as before.</p>
${actionButton(options.resubscribe, 'resubscribe')}`,
  });
}

export function resubscribedPage(options: { email: string; managePath: string; changed: boolean }): string {
  return messagePage({
    title: options.changed ? "You're subscribed again" : "You're subscribed",
    lead: html`The weekly digest will go to <strong>${options.email}</strong> again, with the choices you had before.`,
    more: html`<p><a class="button secondary" href="${options.managePath}">Change what you get</a></p>`,
  });
}
