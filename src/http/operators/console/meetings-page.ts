import { removalSize, removesAnything, type ImportPreviewRow } from '../../../console/meeting-import.js';
import type { FollowedItem } from '../../../console/meeting-follows.js';
import { roleIncludes } from '../../../console/operators.js';
import type { ImportOutcome } from '../../../meetings/store.js';
import type { MeetingView } from '../../../meetings/queries.js';
import { html } from '../../html/html.js';
import { when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface MeetingSearch {
  q: string;
  from: string;
  to: string;
}

/** One meeting: its agenda items and how many follows each has. */
export function meetingPage(context: PageContext, options: { meeting: MeetingView; items: FollowedItem[]; zone: string }): string {
  const { meeting } = options;
  return consolePage(context, {
    title: meeting.title,
    current: '/admin/meetings',
    body: html`<h1>${meeting.title}</h1>
<p>${meeting.council.name} · ${when(meeting.startsAt, options.zone)} · ${meeting.status}${meeting.sources.council ? html` · <a href="${meeting.sources.council}">the council's page</a>` : ''} · <a href="/api/meetings/${String(meeting.id)}">as JSON</a></p>
<h2>Agenda items</h2>
${
  options.items.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Agenda items and how many follows each has</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="number">Follows</th></tr></thead>
<tbody>${options.items.map((item) => html`<tr><td>${item.level > 1 ? html`<span class="visually-hidden">Sub-item: </span>— ` : ''}${item.number ? `${item.number} ` : ''}${item.heading}</td><td class="number">${String(item.follows)}</td></tr>`)}</tbody></table></div>`
    : html`<p>No agenda items stored yet.</p>`
}`,
  });
}

export function meetingsPage(context: PageContext, options: { search: MeetingSearch; meetings: MeetingView[]; next: string | null; imported?: ImportOutcome[]; zone: string }): string {
  const { search } = options;
  const more = options.next && new URLSearchParams({ q: search.q, from: search.from, to: search.to, cursor: options.next });
  return consolePage(context, {
    title: 'Meetings',
    current: '/admin/meetings',
    body: html`<h1>Meetings</h1>
${
  options.imported &&
  html`<div class="notice" role="status"><p>Imported: ${options.imported.map((outcome) => `${outcome.title} (${outcome.action})`).join('; ')}.</p></div>`
}
${context.actor && roleIncludes(context.actor.role, 'operator') && html`<p><a class="button secondary" href="/admin/meetings/import">Import meetings</a></p>`}
<form class="inline-form" method="get" action="/admin/meetings" role="search">
<div class="field"><label for="q">Words</label><input id="q" name="q" type="search" value="${search.q}"></div>
<div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="${search.from}"></div>
<div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="${search.to}"></div>
<button class="button secondary" type="submit">Search</button>
</form>
${
  options.meetings.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Meetings, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Meeting</th><th scope="col">Council</th><th scope="col" class="number">Sections</th><th scope="col">Topics</th><th scope="col">Published</th></tr></thead>
<tbody>${options.meetings.map(
        (meeting) => html`<tr><td>${when(meeting.startsAt, options.zone)}</td><td><a href="/admin/meetings/${String(meeting.id)}">${meeting.title}</a>${meeting.status === 'held' ? '' : html` <span class="tag">${meeting.status}</span>`}</td><td>${meeting.council.name}</td><td class="number">${meeting.sections.length}</td><td>${meeting.topics.join(', ')}</td><td>${publishedParts(meeting, options.zone)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No meetings match.</p>`
}
${more && html`<p><a href="/admin/meetings?${more.toString()}">Later meetings</a></p>`}`,
  });
}

const partNames = { agenda: 'Agenda', minutes: 'Minutes and decisions', summary: 'Summary' } as const;

/** When each part of a meeting was first published and, if since, last changed substantially (meetings/publication.ts). */
function publishedParts(meeting: MeetingView, zone: string) {
  const shown = (Object.keys(partNames) as (keyof typeof partNames)[]).filter((part) => meeting.published[part]);
  if (!shown.length) return html`<span class="muted">–</span>`;
  return html`<ul class="plain">${shown.map((part) => {
    const stamp = meeting.published[part]!;
    return html`<li>${partNames[part]}: ${when(stamp.publishedAt, zone)}${stamp.changedAt !== stamp.publishedAt ? html`, changed ${when(stamp.changedAt, zone)}` : ''}</li>`;
  })}</ul>`;
}

export interface ImportForm {
  text: string;
  format: string;
  council: string;
}

export function importPage(context: PageContext, options: { form: ImportForm; preview?: ImportPreviewRow[]; problems?: string[]; unconfirmed?: string; zone: string }): string {
  const { form, preview } = options;
  const formats = [['', 'Detect it'], ['page', 'Meeting summary page'], ['report', 'Executive-member report'], ['json', 'Canonical JSON']];
  return consolePage(context, {
    title: 'Import meetings',
    current: '/admin/meetings',
    body: html`<h1>Import meetings</h1>
${options.problems?.length && html`<div class="error-summary" role="alert"><h2>The importer could not read it</h2><ul>${options.problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>`}
${options.unconfirmed && html`<div class="error-summary" role="alert"><h2>Nothing was imported</h2><p>${options.unconfirmed}</p></div>`}
${
  preview &&
  html`<h2>What the importer read</h2>
<p>Nothing is written yet. ${preview.length} ${preview.length === 1 ? 'meeting' : 'meetings'}; one already stored (same committee and start, or same page) is updated, never duplicated.</p>
${preview.map(
  (row) => html`<section class="card"><h3>${row.title}</h3>
<dl class="choices-summary"><dt>Council</dt><dd>${row.council}</dd><dt>Committee</dt><dd>${row.committee}</dd><dt>Starts</dt><dd>${when(row.startsAt, options.zone)} (${row.status})</dd>
<dt>Attendees</dt><dd>${row.attendees}</dd><dt>Decisions</dt><dd>${row.decisions}</dd><dt>Documents</dt><dd>${row.documents}</dd><dt>Topics</dt><dd>${row.topics.join(', ') || 'none'}</dd></dl>
<p><strong>${row.headings.length} sections:</strong> ${row.headings.join(' · ')}</p>
${removesAnything([row]) && html`<p class="field-error"><strong>This will remove ${removalSize(row.removes)}</strong> stored by an earlier import${row.removes.sections.length > 0 && html`: ${row.removes.sections.join(' · ')}`}.</p>`}</section>`,
)}
<form method="post" action="/admin/meetings/import" enctype="multipart/form-data">${csrfField(context)}
<input type="hidden" name="text" value="${form.text}"><input type="hidden" name="format" value="${form.format}"><input type="hidden" name="council" value="${form.council}">
${removesAnything(preview) && html`<div class="field"><label><input type="checkbox" name="confirm" value="removals" required> Remove what this import leaves out of the stored meeting</label></div>`}
<div class="actions"><button class="button" type="submit">Import ${preview.length === 1 ? 'this meeting' : `these ${preview.length} meetings`}</button><a href="/admin/meetings/import">Start again</a></div>
</form>`
}
<h2>${preview ? 'Or read something else' : 'Paste or upload'}</h2>
<form method="post" action="/admin/meetings/import/read" enctype="multipart/form-data">${csrfField(context)}
<div class="field"><label for="text">Text of a meeting summary page, a report, or JSON</label><textarea id="text" name="text" rows="14">${preview ? '' : form.text}</textarea></div>
<div class="field"><label for="file">Or a file</label><input id="file" name="file" type="file" accept=".txt,.json,text/plain,application/json" data-fills="text"></div>
<div class="field"><label for="format">Format</label><select id="format" name="format">${formats.map(([value, label]) => html`<option value="${value}"${form.format === value ? html` selected` : ''}>${label}</option>`)}</select></div>
<div class="field"><label for="council">Council, for page text that does not name one</label><input id="council" name="council" type="text" value="${form.council}"></div>
<button class="button secondary" type="submit">Read it first</button>
</form>`,
  });
}
