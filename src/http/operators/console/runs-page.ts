import type { RunEstimate } from '../../../console/run-estimate.js';
import { roleIncludes } from '../../../console/operators.js';
import type { RunSummary } from '../../../digests/runs.js';
import { weekLabel } from '../../../digests/week.js';
import { html } from '../../html/html.js';
import { number, runStatusTag, runsTable, when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

const canOperate = (context: PageContext) => Boolean(context.actor && roleIncludes(context.actor.role, 'operator'));

export function runsPage(context: PageContext, options: { runs: RunSummary[]; nextBefore: number | null; defaultWeek: string; zone: string }): string {
  return consolePage(context, {
    title: 'Runs',
    current: '/admin/runs',
    body: html`<h1>Runs</h1>
${
  canOperate(context) &&
  html`<h2>Start a run</h2>
<form class="inline-form" method="get" action="/admin/runs/new">
<div class="field"><label for="week">Any day of the week</label><input id="week" name="week" type="date" required value="${options.defaultWeek}"></div>
<div class="choice"><input id="dryRun" name="dryRun" type="checkbox" value="1" checked><label for="dryRun">Dry run: build every digest, send nothing</label></div>
<button class="button" type="submit">Check before starting</button>
</form>`
}
<h2>Recent runs</h2>
${runsTable(options.runs, options.zone, 'Runs, newest first')}
${options.nextBefore && html`<p><a href="/admin/runs?before=${options.nextBefore}">Older runs</a></p>`}`,
  });
}

/**
 * What a run for the week would do, and the button that starts it. A real run
 * the week guard refuses (a week not ended, or long past) says why and asks
 * the operator to tick "force" to send it anyway.
 */
export function confirmRunPage(context: PageContext, estimate: RunEstimate, dryRun: boolean, refusal?: string): string {
  const verb = dryRun ? 'Start the dry run' : 'Start the run and send';
  return consolePage(context, {
    title: 'Start a run?',
    current: '/admin/runs',
    body: html`<h1>${dryRun ? 'Start a dry run' : 'Send the digest'} for ${weekLabel(estimate.week)}?</h1>
<div class="confirm${dryRun ? '' : ' danger'}">
<p class="lead"><strong>${number(estimate.receive)}</strong> ${estimate.receive === 1 ? 'subscriber' : 'subscribers'} will ${dryRun ? 'have a digest built (nothing is sent)' : 'receive a digest'}; <strong>${number(estimate.skip)}</strong> will be skipped: nothing that week matches what they follow.</p>
<p class="muted">${number(estimate.recipients)} confirmed subscribers in all, with ${number(estimate.filterSets)} different ${estimate.filterSets === 1 ? 'filter set' : 'filter sets'}, each checked against the week. A week already sent is joined, never sent twice.</p>
${estimate.feedRecipients.recipients > 0 && html`<p>Partner feeds: <strong>${number(estimate.feedRecipients.receive)}</strong> of their ${number(estimate.feedRecipients.recipients)} confirmed recipients will ${dryRun ? 'have a digest built' : 'receive a digest'}; <strong>${number(estimate.feedRecipients.skip)}</strong> will be skipped.</p>`}
</div>
<form class="actions" method="post" action="/admin/runs">
${csrfField(context)}
<input type="hidden" name="week" value="${estimate.week}">
<input type="hidden" name="dryRun" value="${dryRun ? '1' : '0'}">
${refusal && html`<div class="notice" role="alert" data-field="refusal"><p>${refusal}</p></div>
<div class="choice"><input id="force" name="force" type="checkbox" value="1"><label for="force">Force: send this week anyway</label></div>`}
<button class="button${dryRun ? '' : ' warning'}" type="submit">${verb}</button>
<a href="/admin/runs">Cancel</a>
</form>`,
  });
}

type RunFailure = { email: string | null; error: string | null; attempts: number; claimedAt: Date };

export function runPage(context: PageContext, run: RunSummary, failures: RunFailure[], zone: string): string {
  const running = run.status !== 'completed' && run.status !== 'failed';
  const done = run.total - run.pending;
  return consolePage(context, {
    title: `Run ${run.id}`,
    current: '/admin/runs',
    refreshSeconds: running ? 3 : undefined,
    body: html`<h1>Run #${run.id}: ${weekLabel(run.week)}${run.dryRun ? ' (dry run)' : ''}</h1>
<div${running ? html` data-run-events="/admin/runs/${run.id}/events"` : ''} aria-live="polite">
<p>${runStatusTag(run.status)} ${running ? html`<span class="muted">This page follows the run as it goes.</span>` : html`<span class="muted">Finished ${when(run.finishedAt, zone)}${run.seconds !== null ? `, in ${run.seconds} s` : ''}.</span>`}</p>
<p><label for="progress">Progress</label><progress id="progress" class="progress" data-field="done" max="${Math.max(run.total, 1)}" value="${done}">${done} of ${run.total}</progress></p>
<ul class="cards">
<li class="card"><h2>${run.dryRun ? 'Built' : 'Sent'}</h2><p class="figure" data-field="sent">${run.sent}</p></li>
<li class="card"><h2>Skipped</h2><p class="figure" data-field="skipped">${run.skipped}</p></li>
<li class="card"><h2>Failed</h2><p class="figure" data-field="failed">${run.failed}</p></li>
<li class="card"><h2>Still to go</h2><p class="figure" data-field="pending">${run.pending}</p><p class="muted">of <span data-field="total">${run.total}</span></p></li>
</ul>
</div>
${run.error && html`<div class="error-summary" role="alert"><h2>The run failed</h2><p>${run.error}</p></div>`}
<dl class="choices-summary"><dt>Started by</dt><dd>${run.trigger}</dd><dt>Created</dt><dd>${when(run.createdAt, zone)}</dd><dt>Started</dt><dd>${when(run.startedAt, zone)}</dd></dl>
<h2>Samples</h2>
${
  run.samples.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">A few of the digests this run built</caption>
<thead><tr><th scope="col">To</th><th scope="col">Subject</th><th scope="col" class="number">Meetings</th><th scope="col" class="number">Sections</th></tr></thead>
<tbody>${run.samples.map((sample) => html`<tr><td>${sample.email}</td><td>${sample.subject}</td><td class="number">${sample.meetings}</td><td class="number">${sample.sections}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">No samples yet.</p>`
}
<h2>Failures</h2>
${
  failures.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Deliveries that failed, with the reason</caption>
<thead><tr><th scope="col">To</th><th scope="col">Reason</th><th scope="col" class="number">Attempts</th></tr></thead>
<tbody>${failures.map((failure) => html`<tr><td>${failure.email ?? '(erased)'}</td><td>${failure.error ?? '–'}</td><td class="number">${failure.attempts}</td></tr>`)}</tbody></table></div>
${
  canOperate(context) &&
  !run.dryRun &&
  html`<form method="post" action="/admin/runs/${run.id}/retry-failed">${csrfField(context)}<button class="button" type="submit">Retry the ${run.failed} failed</button></form>`
}`
    : html`<p class="muted">None.</p>`
}`,
  });
}
