import type { Actor } from '../../../console/audit.js';
import type { OperatorRole } from '../../../console/operators.js';
import { roleIncludes } from '../../../console/operators.js';
import { html, type HtmlValue, type SafeHtml } from '../../html/html.js';
import { stylesheetPath } from '../../html/layout.js';

export const consoleStylesheetPath = '/admin/assets/console.css';
export const consoleScriptPath = '/admin/assets/console.js';

/** What every console page needs: who is looking, and the token their forms carry. */
export interface PageContext {
  actor: Actor | null;
  csrf: string;
}

const sections: { path: string; label: string; role: OperatorRole }[] = [
  { path: '/admin', label: 'Dashboard', role: 'viewer' },
  { path: '/admin/runs', label: 'Runs', role: 'viewer' },
  { path: '/admin/preview', label: 'Preview', role: 'operator' },
  { path: '/admin/subscribers', label: 'Subscribers', role: 'viewer' },
  { path: '/admin/feeds', label: 'Feeds', role: 'viewer' },
  { path: '/admin/partners', label: 'Partners', role: 'viewer' },
  { path: '/admin/topics', label: 'Topics', role: 'viewer' },
  { path: '/admin/meetings', label: 'Meetings', role: 'viewer' },
  { path: '/admin/sources', label: 'Council sites', role: 'viewer' },
  { path: '/admin/audit', label: 'Audit log', role: 'viewer' },
  { path: '/admin/operators', label: 'Operators', role: 'owner' },
  { path: '/admin/tokens', label: 'Your API tokens', role: 'viewer' },
];

/** The hidden field every console form posts, checked by @fastify/csrf-protection. */
export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${context.csrf}">`;
}

function navigation(actor: Actor, current: string): SafeHtml {
  const links = sections
    .filter((section) => roleIncludes(actor.role, section.role))
    .map((section) => {
      const here = section.path === current;
      return html`<li><a href="${section.path}"${here ? html` aria-current="page"` : ''}>${section.label}</a></li>`;
    });
  return html`<nav class="console-nav" aria-label="Console"><ul>${links}</ul></nav>`;
}

/**
 * One console page: the header with who is signed in and a sign-out button,
 * the sections this role may open, the content. Styles and the small script
 * come from files (the CSP allows nothing inline); every page works without
 * the script.
 */
export function consolePage(context: PageContext, options: { title: string; current?: string; body: HtmlValue; refreshSeconds?: number }): string {
  const { actor } = context;
  const who =
    actor &&
    html`<div class="who"><span>${actor.name} <span class="role">${actor.role}</span></span>
<form method="post" action="/admin/sign-out">${csrfField(context)}<button class="link-button" type="submit">Sign out</button></form></div>`;
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${options.title} – Council Digest console</title>
<link rel="stylesheet" href="${stylesheetPath}">
<link rel="stylesheet" href="${consoleStylesheetPath}">
<script src="${consoleScriptPath}" defer></script>
</head>
<body class="console">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="wrap console-wrap console-bar"><a class="brand" href="/admin">Council Digest console</a>${who}</div></header>
${actor && html`<div class="wrap console-wrap">${navigation(actor, options.current ?? '')}</div>`}
<main id="main" class="wrap console-wrap" tabindex="-1">
${options.body}
</main>
</body>
</html>
`.value;
}

export const consoleStylesheet = `
.console-wrap { max-width: 72rem; }
.console-bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between; }
.who { display: flex; gap: 1rem; align-items: center; color: #fff; }
.who form { margin: 0; }
.role { display: inline-block; font-size: 0.8rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; background: #457b9d; color: #fff; border-radius: 3px; padding: 0 0.4rem; margin-left: 0.3rem; }
.link-button { font: inherit; background: none; border: 0; padding: 0; color: #fff; text-decoration: underline; cursor: pointer; }
.link-button:focus-visible { background: #ffdd00; color: #0b0c0c; }
.console-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0.75rem 0 0; padding: 0; }
.console-nav a { display: inline-block; padding: 0.25rem 0; font-weight: 600; }
.console-nav a[aria-current="page"] { color: #0b0c0c; text-decoration: none; border-bottom: 4px solid #1d4f91; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 1rem; margin: 0 0 1.5rem; padding: 0; list-style: none; }
.card { border: 1px solid #c9ced4; border-radius: 6px; padding: 0.9rem 1rem; }
.card h2 { font-size: 1rem; margin: 0 0 0.5rem; }
.card .figure { font-size: 1.8rem; font-weight: 700; line-height: 1.1; margin: 0; }
.card p { margin: 0.25rem 0 0; }
section.card { margin: 0 0 1rem; }
section.card h2 { font-size: 1.2rem; }
.table-wrap { overflow-x: auto; margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 700; padding: 0 0 0.5rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #dfe1e4; vertical-align: top; }
th { background: #f3f4f6; }
td code { word-break: break-all; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.tag { display: inline-block; font-size: 0.85rem; font-weight: 700; border-radius: 3px; padding: 0 0.4rem; background: #e8eaed; color: #0b0c0c; }
.tag.good { background: #d7ebdf; color: #0c4a26; }
.tag.bad { background: #f6d7d5; color: #6b1610; }
.tag.busy { background: #dbe7f5; color: #0b2e5c; }
.inline-form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; margin: 0 0 1.5rem; }
.inline-form .field { margin: 0; }
select, textarea, input[type="date"], input[type="number"], input[type="search"], input[type="file"] { font: inherit; padding: 0.45rem; border: 2px solid #0b0c0c; border-radius: 0; background: #fff; color: #0b0c0c; max-width: 100%; }
textarea { width: 100%; min-height: 12rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem; }
.preview-frame { width: 100%; height: 40rem; border: 1px solid #c9ced4; background: #fff; }
pre.text-part { white-space: pre-wrap; background: #f8f8f8; border: 1px solid #dfe1e4; padding: 1rem; font-size: 0.9rem; max-height: 40rem; overflow: auto; }
.progress { width: 100%; height: 1.2rem; }
.confirm { border: 4px solid #1d4f91; padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.danger { border-color: #b3261e; }
.muted { color: #4a4f55; }
.secret { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; background: #fff7c2; padding: 0.5rem; }
@media (max-width: 40rem) {
  .preview-frame { height: 28rem; }
  .who { width: 100%; justify-content: space-between; }
}
`;

/**
 * Progressive enhancement, nothing more: a run page follows its progress
 * over server-sent events instead of reloading, and buttons marked
 * data-confirm ask before they post. Without it, pages refresh themselves
 * and confirmations are pages of their own.
 */
export const consoleScript = `
document.addEventListener('DOMContentLoaded', function () {
  var live = document.querySelector('[data-run-events]');
  if (live && window.EventSource) {
    var refresh = document.querySelector('meta[http-equiv="refresh"]');
    if (refresh) refresh.remove();
    var source = new EventSource(live.getAttribute('data-run-events'));
    source.addEventListener('progress', function (event) {
      var run = JSON.parse(event.data);
      ['status', 'total', 'sent', 'skipped', 'failed', 'pending'].forEach(function (key) {
        var cell = document.querySelector('[data-field="' + key + '"]');
        if (cell) cell.textContent = String(run[key]);
      });
      var bar = document.querySelector('progress[data-field="done"]');
      if (bar) { bar.max = Math.max(run.total, 1); bar.value = run.total - run.pending; }
      if (run.status === 'completed' || run.status === 'failed') { source.close(); window.location.reload(); }
    });
  }
  document.querySelectorAll('input[type="file"][data-fills]').forEach(function (input) {
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      var target = document.getElementById(input.getAttribute('data-fills'));
      if (!file || !target) return;
      file.text().then(function (text) { target.value = text; });
    });
  });
});
`;
