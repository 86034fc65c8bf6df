import { slugify } from '../../meetings/names.js';
import { qualifiedCommittee, type FilterCatalogue, type FilterSet } from '../../subscribers/filters.js';
import type { Problem } from '../../subscribers/signup.js';
import { formTokenField } from './csrf.js';
import { html, type SafeHtml } from './html.js';

/** Where each field's problems link to from the error summary. */
const fieldAnchors: Record<string, string> = {
  email: 'email',
  councils: 'councils',
  committees: 'committees',
  topics: 'topics',
  keywords: 'keywords',
};

function fieldOf(problem: Problem): string {
  return problem.path.split('.')[0] ?? problem.path;
}

/** Problems as a visitor reads them: what to fix, in words, not slugs and schema paths. */
function wording(problem: Problem): string {
  if (problem.valid) return `We don't recognise these ${problem.message.replace(/^unknown /, '')}. Choose from the list`;
  if (fieldOf(problem) === 'keywords') return `Keywords: ${problem.message}`;
  return problem.message;
}

/** The list of problems at the top of a form; links move focus to each field. */
export function errorSummary(problems: Problem[]): SafeHtml {
  if (!problems.length) return html``;
  // autofocus: without any script, focus lands on the summary, so keyboard and screen-reader users start there.
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${problems.map((problem) => html`<li><a href="#${fieldAnchors[fieldOf(problem)] ?? 'main'}">${wording(problem)}</a></li>`)}</ul>
</div>`;
}

export function fieldError(problems: Problem[], field: string): SafeHtml {
  const mine = problems.filter((problem) => fieldOf(problem) === field);
  if (!mine.length) return html``;
  return html`<p class="field-error" id="${field}-error"><span class="visually-hidden">Error:</span> ${mine.map(wording).join('. ')}</p>`;
}

export function hiddenFormToken(token: string): SafeHtml {
  return html`<input type="hidden" name="${formTokenField}" value="${token}">`;
}

function checkbox(name: string, id: string, value: string, label: string, checked: boolean): SafeHtml {
  return html`<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}><label for="${id}">${label}</label></div>`;
}

function described(field: string, problems: Problem[]) {
  const invalid = problems.some((problem) => fieldOf(problem) === field);
  return html` aria-describedby="${field}-hint${invalid ? html` ${field}-error` : ''}"${invalid ? html` aria-invalid="true"` : ''}`;
}

/** What the committee search compares: case, accents and apostrophes aside. */
function searchable(text: string): string {
  return slugify(text).replace(/-/g, ' ');
}

/** The committee search's words, and where its Find button posts when not to the form's own action. */
export interface CommitteeSearch {
  words: string;
  action?: string;
}

/**
 * The form's first submit button, out of sight and out of the accessibility
 * tree (the real one is at the end): pressing Enter in any field submits the
 * form's own action, never the committee search's Find.
 */
export function defaultSubmit(label: string): SafeHtml {
  return html`<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">${label}</button>`;
}

/** The submit button value that asks for the committee search rather than the form's own action. */
export const findCommitteesAction = 'find-committees';

/**
 * Whether a posted form asks for the committee search: its Find button, or
 * Enter pressed in the search box (which submits the form's own action)
 * with words not searched for yet.
 */
export function wantsCommitteeSearch(form: ReturnType<typeof readForm>): boolean {
  return form.text('action') === findCommitteesAction || form.text('committee_search').trim() !== form.text('committee_search_applied').trim();
}

/**
 * Committees, grouped by council: each council folds away with a count of
 * its committees (open when one of them is chosen), and a search box (a
 * submit button, so it works without JavaScript) narrows the lists to the
 * committees, or councils, whose names hold the words. Each box names its
 * council ("watford/cabinet"), so Watford's Cabinet is not every Cabinet.
 * Chosen committees the search hides stay chosen, as hidden fields.
 */
function committeePicker(catalogue: FilterCatalogue, chosen: FilterSet, problems: Problem[], search: CommitteeSearch): SafeHtml {
  const { words, action } = search;
  const query = searchable(words);
  const picked = new Set(chosen.committees);
  const isPicked = (council: string, committee: string) => picked.has(qualifiedCommittee(council, committee)) || picked.has(committee);
  const groups = catalogue.councils
    .filter((council) => council.committees.length > 0)
    .map((council) => ({
      council,
      shown: !query || searchable(council.name).includes(query) ? council.committees : council.committees.filter((committee) => searchable(committee.name).includes(query)),
    }));
  const hidden = groups.flatMap(({ council, shown }) =>
    council.committees.filter((committee) => !shown.includes(committee) && isPicked(council.slug, committee.slug)).map((committee) => qualifiedCommittee(council.slug, committee.slug)),
  );
  const matches = groups.reduce((total, group) => total + group.shown.length, 0);
  const open = chosen.committees.length > 0 || query.length > 0 || problems.some((problem) => fieldOf(problem) === 'committees');
  return html`<details id="committee-picker"${open ? html` open` : ''}>
<summary>Only some committees? (optional)</summary>
<fieldset id="committees"${described('committees', problems)}>
<legend>Committees</legend>
<p class="hint" id="committees-hint">Leave them all unticked to hear about every committee of the councils you chose. Open a council to pick its committees, or find them by name.</p>
${fieldError(problems, 'committees')}
<div class="committee-search">
<label for="committee-search">Find a committee or council</label>
<div class="search-row"><input type="search" id="committee-search" name="committee_search" value="${words}" maxlength="100" autocomplete="off">
<button type="submit" class="button secondary" name="action" value="${findCommitteesAction}"${action ? html` formaction="${action}"` : ''}>Find</button></div>
</div>
${query ? html`<p class="status" role="status">${matches === 0 ? html`No committee or council matches “${words}”.` : html`${matches} ${matches === 1 ? 'committee matches' : 'committees match'} “${words}”.`}</p>` : ''}
<input type="hidden" name="committee_search_applied" value="${words}">
${hidden.map((value) => html`<input type="hidden" name="committees" value="${value}">`)}
${groups
  .filter(({ shown }) => shown.length > 0)
  .map(({ council, shown }) => {
    const count = council.committees.filter((committee) => isPicked(council.slug, committee.slug)).length;
    const expanded = Boolean(query) || count > 0;
    return html`<details class="council-committees"${expanded ? html` open` : ''}>
<summary>${council.name} <span class="count">(${shown.length} ${shown.length === 1 ? 'committee' : 'committees'}${count ? html`, ${count} chosen` : ''})</span></summary>
<div class="choices">${shown.map((committee) =>
      checkbox('committees', `committee-${council.slug}-${committee.slug}`, qualifiedCommittee(council.slug, committee.slug), committee.name, isPicked(council.slug, committee.slug)),
    )}</div>
</details>`;
  })}
</fieldset>
</details>`;
}

/**
 * The filter set as form fields: councils, committees (folded away under
 * each council, most people want them all), topics and keywords. Used by
 * the sign-up page and the preference centre alike.
 */
export function filterFields(catalogue: FilterCatalogue, chosen: FilterSet, problems: Problem[], committeeSearch: CommitteeSearch = { words: '' }): SafeHtml {
  return html`
<fieldset id="councils" class="field"${described('councils', problems)}>
<legend>Councils</legend>
<p class="hint" id="councils-hint">Leave them all unticked to hear about every council we cover.</p>
${fieldError(problems, 'councils')}
<div class="choices">${catalogue.councils.map((council) =>
    checkbox('councils', `council-${council.slug}`, council.slug, council.name, chosen.councils.includes(council.slug)),
  )}</div>
</fieldset>
${committeePicker(catalogue, chosen, problems, committeeSearch)}
<fieldset id="topics" class="field"${described('topics', problems)}>
<legend>Topics</legend>
<p class="hint" id="topics-hint">Tick the topics you care about, or leave them all unticked to get every meeting. Keywords below add to the topics you tick.</p>
${fieldError(problems, 'topics')}
<div class="choices">${catalogue.topics.map((topic) =>
    checkbox('topics', `topic-${topic.slug}`, topic.slug, topic.name, chosen.topics.includes(topic.slug)),
  )}</div>
</fieldset>
<div class="field">
<label for="keywords">Keywords (optional)</label>
<p class="hint" id="keywords-hint">Words or phrases to look for, separated by commas. For example: school transport, foster carers</p>
${fieldError(problems, 'keywords')}
<input type="text" id="keywords" name="keywords" value="${chosen.keywords.join(', ')}" maxlength="1000" spellcheck="true"${described('keywords', problems)}>
</div>`;
}

/** A posted form's fields, whatever shape the parser gave them (one value, several, or none). */
export function readForm(body: unknown) {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values = (name: string): string[] => {
    const value = fields[name];
    return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
  };
  return {
    text: (name: string) => values(name)[0] ?? '',
    list: (name: string) => values(name).map((item) => item.trim()).filter(Boolean),
    /** The keywords box: one line, comma-separated. */
    keywords: () =>
      values('keywords')
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter(Boolean),
  };
}

/** A form's filter fields as a filter set, before checking. */
export function filtersFromForm(form: ReturnType<typeof readForm>): FilterSet {
  return { councils: form.list('councils'), committees: form.list('committees'), topics: form.list('topics'), keywords: form.keywords() };
}
