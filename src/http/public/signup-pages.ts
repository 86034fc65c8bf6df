import { publicCalendarUrl } from '../../calendar/links.js';
import { webcalUrl } from '../../subscribers/links.js';
import { confirmLinkDays } from '../../tokens/signed-links.js';
import type { FilterCatalogue, FilterLine, FilterSet } from '../../subscribers/filters.js';
import type { Problem } from '../../subscribers/signup.js';
import { defaultSubmit, errorSummary, fieldError, filterFields, hiddenFormToken } from '../html/forms.js';
import { html, type SafeHtml } from '../html/html.js';
import { messagePage, page } from '../html/layout.js';

export const signUpAction = '/subscribe';
/** Where the sign-up form's committee search posts: it shows the form again and signs nobody up. */
export const findCommitteesPath = '/subscribe/committees';

/** One calendar: its name subscribes in one click (webcal://), and the .ics address beside it is for pasting. */
function calendarLinks(name: string, ics: string): SafeHtml {
  return html`<a href="${webcalUrl(ics)}">${name}</a> <a href="${ics}" class="ics" aria-label="${name}: calendar address (.ics)">.ics</a>`;
}

/**
 * Every council's public calendar feed and each of its committees', folded
 * per council as the committee picker is: no sign-up needed.
 */
function calendarList(catalogue: FilterCatalogue, baseUrl: string): SafeHtml {
  return html`<h2 id="calendars">Calendars</h2>
<p>Every council's meetings, and each committee's, as a calendar your app keeps up to date, no sign-up needed. Choose a name to subscribe in your calendar app, or copy its <strong>.ics</strong> address to add it from a URL (Google Calendar: Other calendars, +, From URL).</p>
${catalogue.councils.map(
  (council) => html`<details class="council-calendars"><summary>${council.name}</summary>
<ul class="calendars">
<li>${calendarLinks(`All ${council.name} meetings`, publicCalendarUrl(baseUrl, council.slug))}</li>
${council.committees.map((committee) => html`<li>${calendarLinks(committee.name, publicCalendarUrl(baseUrl, council.slug, committee.slug))}</li>`)}
</ul>
</details>`,
)}`;
}

export function signUpPage(options: {
  catalogue: FilterCatalogue;
  /** PUBLIC_BASE_URL: the calendar links are whole URLs, for calendar apps. */
  baseUrl: string;
  formToken: string;
  email?: string;
  chosen?: FilterSet;
  problems?: Problem[];
  committeeSearch?: string;
}): string {
  const problems = options.problems ?? [];
  const chosen = options.chosen ?? { councils: [], committees: [], topics: [], keywords: [] };
  const emailInvalid = problems.some((problem) => problem.path === 'email');
  return page({
    title: problems.length ? 'Error: Get a weekly summary of council meetings' : 'Get a weekly summary of council meetings',
    body: html`<h1>Get a weekly summary of council meetings</h1>
<p class="lead">Every Monday we email a short, plain summary of last week's council meetings: what was discussed and what was decided, for the councils and topics you choose.</p>
${errorSummary(problems)}
<form method="post" action="${signUpAction}">
${hiddenFormToken(options.formToken)}
${defaultSubmit('Subscribe')}
<div class="field">
<label for="email">Email address</label>
<p class="hint" id="email-hint">We'll email you a link to confirm it's yours before sending anything else.</p>
${fieldError(problems, 'email')}
<input type="email" id="email" name="email" value="${options.email ?? ''}" autocomplete="email" spellcheck="false" required maxlength="254" aria-describedby="email-hint${emailInvalid ? ' email-error' : ''}"${emailInvalid ? html` aria-invalid="true"` : ''}>
</div>
${filterFields(options.catalogue, chosen, problems, { words: options.committeeSearch ?? '', action: findCommitteesPath })}
<button type="submit" class="button">Subscribe</button>
</form>
${calendarList(options.catalogue, options.baseUrl)}`,
  });
}

/** The same page for a new address, a known one and a suppressed one: nobody learns which it was. */
export function checkInboxPage(email: string): string {
  return messagePage({
    title: 'Check your inbox',
    lead: html`We're sending a message to <strong>${email}</strong>. Open the link in it to confirm your subscription, or to manage it if this address is already signed up.`,
    more: html`<p>The link works for ${confirmLinkDays} days. If nothing arrives in a few minutes, look in your spam folder, or <a href="/">sign up again</a> to check the address. We never write to addresses that have asked us not to, or where mail bounces.</p>`,
  });
}

function choicesSummary(lines: FilterLine[]) {
  return html`<dl class="choices-summary">${lines.map((line) => html`<dt>${line.label}</dt><dd>${line.values.join(', ')}</dd>`)}</dl>`;
}

export function confirmedPage(options: { confirmedNow: boolean; email: string; choices: FilterLine[]; managePath: string }): string {
  return messagePage({
    title: options.confirmedNow ? "You're subscribed" : 'Your subscription is already confirmed',
    lead: html`The weekly digest will go to <strong>${options.email}</strong> every Monday, covering the week before.`,
    more: html`<h2>What you'll get</h2>
${choicesSummary(options.choices)}
<p><a class="button secondary" href="${options.managePath}">Change what you get</a></p>`,
  });
}
