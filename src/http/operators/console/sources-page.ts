import { roleIncludes } from '../../../console/operators.js';
import type { SourceCheck } from '../../../harvest/check.js';
import { isFailing, type HarvestRow, type SourceRow } from '../../../harvest/repo.js';
import { describeVerdict } from '../../../harvest/robots.js';
import { html } from '../../html/html.js';
import { number, when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface SourceCard extends SourceRow {
  harvests: HarvestRow[];
}

const harvestTags: Record<HarvestRow['status'], string> = { queued: 'busy', running: 'busy', finished: 'good', failed: 'bad' };

function lastCheck(check: SourceCheck | null, zone: string) {
  if (!check) return html`<p class="muted">Never checked: <em>Check now</em> probes the site as a harvest would, or run <code>council-digest sources check</code>.</p>`;
  return html`<p><strong>Last check</strong> ${when(check.checkedAt, zone)}: ${check.ok ? html`<span class="tag good">ok</span>` : html`<span class="tag bad">failed</span>`}</p>
<ul>
<li>GetCommittees: ${check.committeesMs === null ? 'no answer' : `${number(check.committeesMs)} ms, ${check.committees} committees, ${check.liveCommittees} live`}</li>
<li>Recent meeting: ${check.meeting ? `${check.meeting.committee}, ${check.meeting.date} (id ${check.meeting.id}): ${check.meeting.items} items, ${check.meeting.papers} papers` : 'none read'}</li>
${check.problem && html`<li>Problem: ${check.problem}</li>`}
</ul>`;
}

function harvestsTable(source: SourceCard, zone: string) {
  if (!source.harvests.length) return html`<p class="muted">No harvests yet.</p>`;
  const notes = source.harvests.filter((harvest) => harvest.errors.length || harvest.warnings.length);
  return html`<div class="table-wrap" tabindex="0"><table><caption>Latest harvests of ${source.council}</caption>
<thead><tr><th scope="col">Harvest</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col" class="number">New</th><th scope="col" class="number">Updated</th><th scope="col" class="number">Unchanged</th><th scope="col" class="number">Skipped</th><th scope="col" class="number">Items</th><th scope="col" class="number">Errors</th><th scope="col" class="number">Warnings</th></tr></thead>
<tbody>${source.harvests.map(
    (harvest) => html`<tr><td>#${harvest.id} <span class="muted">${harvest.trigger}</span></td><td><span class="tag ${harvestTags[harvest.status]}">${harvest.status}</span></td><td>${when(harvest.startedAt ?? harvest.createdAt, zone)}</td><td class="number">${number(harvest.created)}</td><td class="number">${number(harvest.updated)}</td><td class="number">${number(harvest.unchanged)}</td><td class="number">${number(harvest.skipped)}</td><td class="number">${number(harvest.items)}</td><td class="number">${number(harvest.errors.length)}</td><td class="number">${number(harvest.warningCount)}</td></tr>`,
  )}</tbody></table></div>
${notes.map(
    (harvest) => html`<details><summary>Harvest #${harvest.id}: ${harvest.errors.length} errors, ${harvest.warningCount} warnings</summary>
${harvest.errors.length ? html`<h4>Errors</h4><ul>${harvest.errors.map((error) => html`<li>${error.meeting ? html`<strong>${error.meeting}</strong>: ` : ''}${error.message}</li>`)}</ul>` : ''}
${harvest.warnings.length ? html`<h4>Warnings</h4><ul>${harvest.warnings.map((warning) => html`<li><span class="tag">${warning.kind}</span> ${warning.meeting ? html`<strong>${warning.meeting}</strong>: ` : ''}${warning.message}</li>`)}</ul>` : ''}
${harvest.warningCount > harvest.warnings.length ? html`<p class="muted">and ${number(harvest.warningCount - harvest.warnings.length)} more warnings not kept.</p>` : ''}
</details>`,
  )}`;
}

function card(context: PageContext, source: SourceCard, options: { zone: string; defaultTimeout: number }) {
  const operator = context.actor && roleIncludes(context.actor.role, 'operator');
  return html`<section class="card" id="source-${source.id}" aria-labelledby="source-${source.id}-title">
<h2 id="source-${source.id}-title">${source.council} ${source.enabled ? html`<span class="tag">enabled</span>` : html`<span class="tag">off</span>`} ${isFailing(source) ? html`<span class="tag bad">failing</span>` : html`<span class="tag good">ok</span>`}</h2>
<dl class="choices-summary">
<dt>Site</dt><dd><code>${source.url}</code></dd>
<dt>Timeout</dt><dd>${source.timeoutSeconds ? `${source.timeoutSeconds} s (its own)` : `${options.defaultTimeout} s (HARVEST_TIMEOUT_SECONDS)`}</dd>
<dt>robots.txt</dt><dd>${describeVerdict(source.robots, null)}${source.robots ? html` <span class="muted">read ${when(source.robots.checkedAt, options.zone)}</span>` : ''}</dd>
<dt>Council's permission</dt><dd>${source.robotsPermission ? html`${source.robotsPermission} <span class="muted">recorded ${when(source.robotsPermissionAt, options.zone)}</span>` : html`<span class="muted">none recorded</span>`}</dd>
<dt>Health</dt><dd>${source.healthNote ?? (source.consecutiveFailures ? `${source.consecutiveFailures} harvests in a row failed` : 'no note')}${source.lastSuccessAt ? html` <span class="muted">last read ${when(source.lastSuccessAt, options.zone)}</span>` : ''}</dd>
</dl>
${lastCheck(source.lastCheck as SourceCheck | null, options.zone)}
${
  operator &&
  html`<div class="actions">
<form method="post" action="/admin/sources/${source.id}/check">${csrfField(context)}<button class="button" type="submit">Check now</button></form>
<form method="post" action="/admin/sources/${source.id}/permission">${csrfField(context)}
<div class="field"><label for="permission-${source.id}">Permission despite robots.txt: who at the council, and when</label><input id="permission-${source.id}" name="permission" type="text" maxlength="500" value="${source.robotsPermission ?? ''}"></div>
<button class="button secondary" type="submit">${source.robotsPermission ? 'Save, or empty to withdraw' : 'Record permission'}</button></form>
</div>`
}
${harvestsTable(source, options.zone)}
</section>`;
}

export function sourcesPage(context: PageContext, options: { sources: SourceCard[]; zone: string; defaultTimeout: number; notice?: string }): string {
  return consolePage(context, {
    title: 'Council sites',
    current: '/admin/sources',
    body: html`<h1>Council sites</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<p class="muted">Each council's ModernGov site: whether robots.txt lets us read it, the last check, and the latest harvests with their errors and warnings. Times in ${options.zone}.</p>
${options.sources.length ? options.sources.map((source) => card(context, source, options)) : html`<p class="muted">No council sites yet: <code>council-digest seed</code> adds Hertfordshire's.</p>`}`,
  });
}
