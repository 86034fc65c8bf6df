import { roleIncludes } from '../../../console/operators.js';
import { html } from '../../html/html.js';
import { when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface PartnerRow {
  id: number;
  name: string;
  contactEmail: string;
  feeds: number;
  keys: { id: number; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }[];
}

export function partnersPage(context: PageContext, options: { partners: PartnerRow[]; zone: string; issued?: { partner: string; key: string } }): string {
  const owner = Boolean(context.actor && roleIncludes(context.actor.role, 'owner'));
  const { zone } = options;
  return consolePage(context, {
    title: 'Partners',
    current: '/admin/partners',
    body: html`<h1>Partners</h1>
${
  options.issued &&
  html`<div class="notice" role="status"><p>A new key for ${options.issued.partner}. It is shown this once; only its hash is kept. Give it to them over a channel you trust:</p>
<p class="secret">${options.issued.key}</p></div>`
}
${options.partners.length ? '' : html`<p class="muted">No partners yet.</p>`}
${options.partners.map(
  (partner) => html`<section class="card" aria-labelledby="partner-${partner.id}">
<h2 id="partner-${partner.id}">${partner.name}</h2>
<p class="muted">${partner.contactEmail}; ${partner.feeds} open ${partner.feeds === 1 ? 'feed' : 'feeds'}</p>
<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">${partner.name}'s API keys</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${partner.keys.map(
    (key) => html`<tr><td><code>cdp_${key.prefix}_…</code></td><td>${when(key.createdAt, zone)}</td><td>${when(key.lastUsedAt, zone)}</td><td>${key.revokedAt ? html`<span class="tag bad">revoked</span>` : html`<span class="tag good">live</span>`}</td>
<td>${owner && !key.revokedAt && html`<form method="post" action="/admin/partners/${partner.id}/keys/${key.id}/revoke">${csrfField(context)}<button class="button secondary" type="submit">Revoke<span class="visually-hidden"> cdp_${key.prefix}</span></button></form>`}</td></tr>`,
  )}</tbody></table></div>
${
  owner &&
  html`<form class="inline-form" method="post" action="/admin/partners/${partner.id}/keys">${csrfField(context)}
<div class="choice"><input id="revoke-others-${partner.id}" name="revokeOthers" type="checkbox" value="1"><label for="revoke-others-${partner.id}">Revoke the other keys at once</label></div>
<button class="button" type="submit">Issue a new key</button></form>`
}
</section>`,
)}
${
  owner &&
  html`<h2>Add a partner</h2>
<form method="post" action="/admin/partners">${csrfField(context)}
<div class="field"><label for="partner-name">Name</label><input id="partner-name" name="name" type="text" required></div>
<div class="field"><label for="partner-contact">Contact address</label><input id="partner-contact" name="contactEmail" type="email" required></div>
<button class="button" type="submit">Add the partner and issue its first key</button></form>`
}`,
  });
}
