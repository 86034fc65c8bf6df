import type { Dashboard } from '../../../console/dashboard.js';
import { roleIncludes } from '../../../console/operators.js';
import { subscriberStatuses } from '../../../db/schema/index.js';
import { isFailing } from '../../../harvest/repo.js';
import { html } from '../../html/html.js';
import { number, runsTable, when } from './format.js';
import { consolePage, type PageContext } from './layout.js';

export function dashboardPage(context: PageContext, dashboard: Dashboard, zone: string): string {
  const { counts, countedAt } = dashboard.subscribers;
  const waiting = dashboard.feedRequestsWaiting;
  const queueRows = dashboard.queues?.filter((row) => row.count > 0) ?? [];
  const failing = dashboard.sources.filter(isFailing);
  return consolePage(context, {
    title: 'Dashboard',
    current: '/admin',
    body: html`<h1>Dashboard</h1>
<ul class="cards">
<li class="card"><h2>Confirmed subscribers</h2><p class="figure">${number(counts.active)}</p><p class="muted">${number(counts.paused)} paused, ${number(counts.pending)} waiting to confirm</p></li>
<li class="card"><h2>Next scheduled run</h2><p class="figure">${dashboard.nextRun ? when(dashboard.nextRun, zone) : '–'}</p><p class="muted">Times in ${zone}</p></li>
<li class="card"><h2>Feed requests waiting</h2><p class="figure">${number(waiting)}</p><p>${waiting ? html`<a href="/admin/feeds">Review them</a>` : html`<span class="muted">Nothing to decide</span>`}</p></li>
<li class="card"><h2>Council sites failing</h2><p class="figure">${number(failing.length)}</p><p class="muted">of ${number(dashboard.sources.length)} harvested nightly</p></li>
<li class="card"><h2>Alerts mailed today</h2><p class="figure">${number(dashboard.alerts.sent.day)}</p><p class="muted">${number(dashboard.alerts.sent.week)} this week; ${number(dashboard.alerts.waiting)} waiting for tomorrow${dashboard.alerts.failed ? html`; <strong>${number(dashboard.alerts.failed)} failed</strong>` : ''}</p></li>
<li class="card"><h2>Job queues</h2><p class="figure">${dashboard.queues === null ? '–' : number(queueRows.reduce((sum, row) => sum + row.count, 0))}</p><p class="muted">${dashboard.queues === null ? 'This process runs no jobs' : 'jobs waiting, running or failed'}</p></li>
</ul>
<h2>Subscribers by status</h2>
<div class="table-wrap" tabindex="0"><table>
<caption class="visually-hidden">Subscribers by status</caption>
<thead><tr>${subscriberStatuses.map((status) => html`<th scope="col" class="number">${status}</th>`)}</tr></thead>
<tbody><tr>${subscriberStatuses.map((status) => html`<td class="number">${number(counts[status])}</td>`)}</tr></tbody>
</table></div>
<p class="muted">Counted at ${when(countedAt, zone)}; counts are kept for half a minute, the rest of this page for two seconds.</p>
<h2>Last runs</h2>
${runsTable(dashboard.runs, zone, 'The five most recent runs')}
<p><a href="/admin/runs">All runs, or start one</a></p>
<h2>Alerts</h2>
<div class="table-wrap" tabindex="0"><table>
<caption class="visually-hidden">Alerts recorded and alert mails sent</caption>
<thead><tr><th scope="col"></th><th scope="col" class="number">Last 24 hours</th><th scope="col" class="number">Last 7 days</th></tr></thead>
<tbody><tr><th scope="row">Alerts recorded (one per subscriber and meeting)</th><td class="number">${number(dashboard.alerts.recorded.day)}</td><td class="number">${number(dashboard.alerts.recorded.week)}</td></tr>
<tr><th scope="row">Alert mails sent (at most one per subscriber a day)</th><td class="number">${number(dashboard.alerts.sent.day)}</td><td class="number">${number(dashboard.alerts.sent.week)}</td></tr></tbody>
</table></div>
<h2>Council sites</h2>
${
  dashboard.sources.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Each council's site, its last harvest and its health</caption>
<thead><tr><th scope="col">Council</th><th scope="col">Last read</th><th scope="col">Last harvest</th><th scope="col" class="number">Failed in a row</th><th scope="col">Health</th></tr></thead>
<tbody>${dashboard.sources.map(
        (source) => html`<tr><td><a href="/admin/sources#source-${source.id}">${source.council}</a>${source.enabled ? '' : html` <span class="muted">(off)</span>`}</td><td>${source.lastSuccessAt ? when(source.lastSuccessAt, zone) : '–'}</td><td>${source.latest ? html`${source.latest.status}${source.latest.status === 'finished' ? `: ${source.latest.created} new, ${source.latest.updated} updated, ${source.latest.errors.length} errors` : ''}` : 'never'}</td><td class="number">${number(source.consecutiveFailures)}</td><td>${isFailing(source) ? html`<span class="tag bad">failing</span>` : html`<span class="tag good">ok</span>`}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No council sites yet: <code>council-digest seed</code> adds Hertfordshire's.</p>`
}
<p><a href="/admin/sources">Council sites: robots.txt, checks, and each harvest's errors and warnings</a></p>
<h2>Queue health</h2>
${
  dashboard.queues === null
    ? html`<p class="muted">This process does not run the weekly digest jobs.</p>`
    : queueRows.length
      ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Jobs by queue and state</caption><thead><tr><th scope="col">Queue</th><th scope="col">State</th><th scope="col" class="number">Jobs</th></tr></thead>
<tbody>${queueRows.map((row) => html`<tr><td>${row.queue}</td><td>${row.state}</td><td class="number">${number(row.count)}</td></tr>`)}</tbody></table></div>`
      : html`<p>Every queue is empty.</p>`
}
${
  context.actor && roleIncludes(context.actor.role, 'operator')
    ? html`<p><a href="/admin/queues">Job queues in detail</a> (Bull Board).</p>`
    : html`<p class="muted">Bull Board, the queues in detail, is for operators and owners.</p>`
}`,
  });
}
