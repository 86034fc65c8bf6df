import type { RunSummary } from '../../../digests/runs.js';
import { html, type SafeHtml } from '../../html/html.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment as operators read it, in the digest's time zone: "Mon, 7 Dec 2026,
 * 07:00". One formatter per zone, made once: working out a zone's offset
 * afresh for each date was a tenth of the dashboard's CPU.
 */
export function when(date: Date | string | null, zone: string): string {
  if (!date) return '–';
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(zone, format);
  }
  return format.format(typeof date === 'string' ? new Date(date) : date);
}

export const number = (value: number) => value.toLocaleString('en-GB');

const runTags: Record<RunSummary['status'], string> = { queued: 'busy', fanning_out: 'busy', sending: 'busy', completed: 'good', failed: 'bad', paused: 'bad', cancelled: 'bad' };

export function runStatusTag(status: RunSummary['status']): SafeHtml {
  return html`<span class="tag ${runTags[status]}" data-field="status">${status.replace('_', ' ')}</span>`;
}

/** The runs table of the dashboard and the runs page. */
export function runsTable(runs: RunSummary[], zone: string, caption: string): SafeHtml {
  if (!runs.length) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="table-wrap" tabindex="0"><table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Week</th><th scope="col">Status</th><th scope="col" class="number">Sent</th><th scope="col" class="number">Skipped</th><th scope="col" class="number">Failed</th><th scope="col">Started</th></tr></thead>
<tbody>${runs.map(
    (run) => html`<tr><td><a href="/admin/runs/${run.id}">#${run.id}${run.dryRun ? ' (dry run)' : ''}</a></td><td>${run.week}</td><td><span class="tag ${runTags[run.status]}">${run.status.replace('_', ' ')}</span></td><td class="number">${number(run.sent)}</td><td class="number">${number(run.skipped)}</td><td class="number">${number(run.failed)}</td><td>${when(run.startedAt ?? run.createdAt, zone)}</td></tr>`,
  )}</tbody></table></div>`;
}
