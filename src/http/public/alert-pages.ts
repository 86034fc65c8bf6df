import type { AlertCommittee } from '../../alerts/opt-in.js';
import type { FilterCatalogue } from '../../subscribers/filters.js';
import { hiddenFormToken } from '../html/forms.js';
import { html, type SafeHtml } from '../html/html.js';
import type { FormTarget } from './subscription-pages.js';

/**
 * The preference centre's alerts part: a form of its own (action=alerts),
 * one compact fieldset. The committees whose every new agenda the subscriber
 * gets, each a ticked box (untick and save to stop), and one list to add a
 * committee from. Alerts for followed items are switched per follow, in the
 * follow list.
 */
export function alertCommitteeFields(options: { target: FormTarget; chosen: AlertCommittee[]; catalogue: FilterCatalogue }): SafeHtml {
  const chosen = new Set(options.chosen.map((committee) => committee.slug));
  return html`<h2 id="alerts">Alerts</h2>
<p>When a newly published agenda lists an item you follow, we email you before the meeting: at most one email a day.</p>
<form method="post" action="${options.target.action}">
${hiddenFormToken(options.target.token)}<input type="hidden" name="action" value="alerts">
<fieldset id="alert-committees" class="field compact">
<legend>Every new agenda of these committees</legend>
${options.chosen.map(
  (committee, index) =>
    html`<div class="choice"><input type="checkbox" id="alert-committee-${index}" name="alert_committees" value="${committee.slug}" checked><label for="alert-committee-${index}">${committee.committee}, ${committee.council}</label></div>`,
)}
<label for="alert-committee-add">${options.chosen.length ? 'Add another committee' : 'Add a committee'}</label>
<select id="alert-committee-add" name="alert_committees"><option value="">(none)</option>${options.catalogue.councils.map(
    (council) =>
      html`<optgroup label="${council.name}">${council.committees
        .filter((committee) => !chosen.has(`${council.slug}/${committee.slug}`))
        .map((committee) => html`<option value="${council.slug}/${committee.slug}">${committee.name}</option>`)}</optgroup>`,
  )}</select>
</fieldset>
<button type="submit" class="button secondary">Save my alerts</button>
</form>`;
}
