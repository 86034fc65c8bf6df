import type { ApiTokenView } from '../../../console/api-tokens.js';
import { operatorRoles, type Operator } from '../../../console/operators.js';
import { html } from '../../html/html.js';
import { when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface AuditLine {
  id: number;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

export function auditPage(context: PageContext, options: { entries: AuditLine[]; action: string; nextBefore: number | null; zone: string }): string {
  const next = options.nextBefore && new URLSearchParams({ ...(options.action ? { action: options.action } : {}), before: String(options.nextBefore) });
  return consolePage(context, {
    title: 'Audit log',
    current: '/admin/audit',
    body: html`<h1>Audit log</h1>
<p class="lead">Every change made from the console, the API or the command line: who, what, which object, when and from where. Nothing changes or deletes a line.</p>
<form class="inline-form" method="get" action="/admin/audit" role="search">
<div class="field"><label for="action">Action</label><input id="action" name="action" type="text" value="${options.action}" placeholder="e.g. subscriber.erase"></div>
<button class="button secondary" type="submit">Filter</button>
</form>
${
  options.entries.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">The audit log, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Object</th><th scope="col">Detail</th><th scope="col">IP</th></tr></thead>
<tbody>${options.entries.map(
        (entry) => html`<tr><td>${when(entry.at, options.zone)}</td><td>${entry.actor}</td><td>${entry.action}</td><td>${entry.objectType}${entry.objectId ? ` ${entry.objectId}` : ''}</td><td><code>${Object.keys(entry.detail).length ? JSON.stringify(entry.detail) : ''}</code></td><td>${entry.ip ?? ''}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">Nothing recorded${options.action ? ' for that action' : ''}.</p>`
}
${next && html`<p><a href="/admin/audit?${next.toString()}">Older</a></p>`}`,
  });
}

function roleSelect(id: string, chosen: string) {
  return html`<select id="${id}" name="role">${operatorRoles.map((role) => html`<option value="${role}"${role === chosen ? html` selected` : ''}>${role}</option>`)}</select>`;
}

export function operatorsPage(context: PageContext, options: { operators: Operator[]; notice?: string; zone: string }): string {
  return consolePage(context, {
    title: 'Operators',
    current: '/admin/operators',
    body: html`<h1>Operators</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<p class="lead">Viewers see everything with addresses masked; operators also run, preview, decide feeds, edit topics and import; owners also manage operators, erase subscribers and hold partners' keys.</p>
<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Operators</caption>
<thead><tr><th scope="col">Address</th><th scope="col">Role</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>${options.operators.map(
      (operator) => html`<tr><td>${operator.email}</td>
<td><form class="inline-form" method="post" action="/admin/operators">${csrfField(context)}<input type="hidden" name="email" value="${operator.email}"><label class="visually-hidden" for="role-${operator.id}">Role of ${operator.email}</label>${roleSelect(`role-${operator.id}`, operator.role)}<button class="button secondary" type="submit">Change<span class="visually-hidden"> the role of ${operator.email}</span></button></form></td>
<td>${when(operator.createdAt, options.zone)}</td>
<td><form method="post" action="/admin/operators/${operator.id}/remove">${csrfField(context)}<button class="button warning" type="submit">Remove<span class="visually-hidden"> ${operator.email}</span></button></form></td></tr>`,
    )}</tbody></table></div>
<h2>Add an operator</h2>
<form class="inline-form" method="post" action="/admin/operators">${csrfField(context)}
<div class="field"><label for="new-email">Address</label><input id="new-email" name="email" type="email" required></div>
<div class="field"><label for="new-role">Role</label>${roleSelect('new-role', 'viewer')}</div>
<button class="button" type="submit">Add</button>
</form>`,
  });
}

export function tokensPage(context: PageContext, options: { tokens: ApiTokenView[]; created?: string; zone: string }): string {
  return consolePage(context, {
    title: 'Your API tokens',
    current: '/admin/tokens',
    body: html`<h1>Your API tokens</h1>
${
  options.created &&
  html`<div class="notice" role="status"><p>Your new token, shown this once (only its hash is kept):</p><p class="secret">${options.created}</p></div>`
}
<p class="lead">Send one as <code>Authorization: Bearer …</code> to <code>/api/admin</code>. It acts with your role and the audit log names it.</p>
${
  options.tokens.length
    ? html`<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Your tokens</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
<tbody>${options.tokens.map(
        (token) => html`<tr><td>${token.name}</td><td><code>cdo_${token.prefix}_…</code></td><td>${when(token.createdAt, options.zone)}</td><td>${when(token.lastUsedAt, options.zone)}</td>
<td>${token.revokedAt ? html`<span class="tag bad">revoked</span>` : html`<form method="post" action="/admin/tokens/${token.id}/revoke">${csrfField(context)}<button class="button secondary" type="submit">Revoke<span class="visually-hidden"> ${token.name}</span></button></form>`}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No tokens yet.</p>`
}
<h2>Create a token</h2>
<form class="inline-form" method="post" action="/admin/tokens">${csrfField(context)}
<div class="field"><label for="token-name">What it is for</label><input id="token-name" name="name" type="text" required maxlength="100"></div>
<button class="button" type="submit">Create</button>
</form>`,
  });
}
