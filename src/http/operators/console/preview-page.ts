import type { ConsolePreview } from '../../../console/preview.js';
import { weekLabel } from '../../../digests/week.js';
import type { FilterCatalogue, FilterSet } from '../../../subscribers/filters.js';
import { html } from '../../html/html.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface PreviewForm {
  week: string;
  email: string;
  filters: FilterSet;
}

/** The form's choices as a query string: the frame's source and the test-send carry the same ones. */
export function previewQuery(form: PreviewForm): string {
  const query = new URLSearchParams({ week: form.week });
  if (form.email) query.set('email', form.email);
  for (const key of ['councils', 'topics', 'keywords'] as const) for (const value of form.filters[key]) query.append(key, value);
  return query.toString();
}

function checkboxes(name: string, legend: string, options: { slug: string; name: string }[], chosen: string[]) {
  return html`<fieldset><legend>${legend}</legend><div class="choices">${options.map(
    (option) => html`<div class="choice"><input id="${name}-${option.slug}" name="${name}" type="checkbox" value="${option.slug}"${chosen.includes(option.slug) ? html` checked` : ''}><label for="${name}-${option.slug}">${option.name}</label></div>`,
  )}</div></fieldset>`;
}

export function previewPage(
  context: PageContext,
  options: { form: PreviewForm; catalogue: FilterCatalogue; preview: ConsolePreview | null; sentTo?: string },
): string {
  const { form, preview } = options;
  const query = previewQuery(form);
  return consolePage(context, {
    title: 'Preview',
    current: '/admin/preview',
    body: html`<h1>Preview a digest</h1>
${options.sentTo && html`<div class="notice" role="status"><p>Sent a test copy to ${options.sentTo}.</p></div>`}
<form method="get" action="/admin/preview">
<div class="field"><label for="week">Any day of the week</label><input id="week" name="week" type="date" required value="${form.week}"></div>
<div class="field"><label for="email">A subscriber's address</label><p class="hint" id="email-hint">Their digest exactly as the run would send it. Leave empty to preview a filter set instead.</p>
<input id="email" name="email" type="email" aria-describedby="email-hint" value="${form.email}"></div>
<details${form.email ? '' : html` open`}><summary>Or a filter set</summary>
${checkboxes('councils', 'Councils (none: all)', options.catalogue.councils, form.filters.councils)}
${checkboxes('topics', 'Topics', options.catalogue.topics, form.filters.topics)}
<div class="field"><label for="keywords">Keywords, separated by commas</label><input id="keywords" name="keywords" type="text" value="${form.filters.keywords.join(', ')}"></div>
</details>
<button class="button" type="submit">Preview</button>
</form>
${
  preview &&
  (preview.found
    ? html`<h2>${preview.rendered.subject}</h2>
<p class="muted">${weekLabel(preview.week)}: ${preview.meetings} ${preview.meetings === 1 ? 'meeting' : 'meetings'}, ${preview.sections} ${preview.sections === 1 ? 'section' : 'sections'}.${form.email ? '' : ' Links in a filter set preview lead nowhere.'}</p>
${
  context.actor?.email
    ? html`<form method="post" action="/admin/preview/send?${query}">${csrfField(context)}<button class="button secondary" type="submit">Send a test to ${context.actor.email}</button></form>`
    : html`<p class="muted">Sign in as a person to send yourself a test copy.</p>`
}
<h3>HTML part</h3>
<iframe class="preview-frame" title="The digest's HTML part" sandbox src="/admin/preview/render?${query}"></iframe>
<h3>Text part</h3>
<pre class="text-part" tabindex="0">${preview.rendered.text}</pre>`
    : html`<div class="status" role="status"><p>${preview.reason}</p></div>`)
}`,
  });
}
