import { roleIncludes } from '../../../console/operators.js';
import type { TopicEffect } from '../../../console/topic-effect.js';
import { html } from '../../html/html.js';
import { number, when } from './format.js';
import { consolePage, csrfField, type PageContext } from './layout.js';

export interface TopicRow {
  slug: string;
  name: string;
  description: string;
  threshold: number;
  updatedAt: string;
  rules: { term: string; weight: number }[];
}

export function topicsPage(context: PageContext, options: { topics: TopicRow[]; notice?: string; zone: string }): string {
  return consolePage(context, {
    title: 'Topics',
    current: '/admin/topics',
    body: html`<h1>Topics</h1>
${options.notice && html`<div class="notice" role="status"><p>${options.notice}</p></div>`}
<p class="lead">Each topic tags a section when the weights of its terms found there reach its threshold (a heading counts double).</p>
<div class="table-wrap" tabindex="0"><table><caption class="visually-hidden">Topics</caption>
<thead><tr><th scope="col">Topic</th><th scope="col" class="number">Threshold</th><th scope="col" class="number">Terms</th><th scope="col">Changed</th></tr></thead>
<tbody>${options.topics.map(
      (topic) => html`<tr><td><a href="/admin/topics/${topic.slug}">${topic.name}</a><br><span class="muted">${topic.slug}</span></td><td class="number">${topic.threshold}</td><td class="number">${topic.rules.length}</td><td>${when(topic.updatedAt, options.zone)}</td></tr>`,
    )}</tbody></table></div>`,
  });
}

function examples(title: string, list: TopicEffect['examplesTagged']) {
  return list.length ? html`<h3>${title}</h3><ul>${list.map((example) => html`<li>${example.heading} <span class="muted">(${example.meeting})</span></li>`)}</ul>` : '';
}

export function topicPage(
  context: PageContext,
  options: { topic: TopicRow; threshold: number; rulesText: string; problems?: string[]; effect?: TopicEffect },
): string {
  const { topic, effect } = options;
  const edit = Boolean(context.actor && roleIncludes(context.actor.role, 'operator'));
  return consolePage(context, {
    title: topic.name,
    current: '/admin/topics',
    body: html`<h1>${topic.name}</h1>
<p class="lead">${topic.description}</p>
${
  options.problems?.length &&
  html`<div class="error-summary" role="alert"><h2>These rules can't be used</h2><ul>${options.problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>`
}
${
  effect &&
  html`<div class="confirm" role="status"><p class="lead">These rules would tag <strong>${number(effect.tagged)}</strong> more ${effect.tagged === 1 ? 'section' : 'sections'} and untag <strong>${number(effect.untagged)}</strong>, of the ${number(effect.sectionsChecked)} stored.</p>
${examples('Would be tagged', effect.examplesTagged)}
${examples('Would be untagged', effect.examplesUntagged)}
<form method="post" action="/admin/topics/${topic.slug}">${csrfField(context)}
<input type="hidden" name="threshold" value="${options.threshold}">
<input type="hidden" name="rules" value="${options.rulesText}">
<div class="actions"><button class="button" type="submit">Save and retag every meeting</button><a href="/admin/topics/${topic.slug}">Start again</a></div>
</form></div>`
}
${
  edit
    ? html`<form method="post" action="/admin/topics/${topic.slug}/check">${csrfField(context)}
<div class="field"><label for="threshold">Threshold</label><input id="threshold" name="threshold" type="number" min="0.1" max="100" step="0.1" required value="${options.threshold}"></div>
<div class="field"><label for="rules">Terms, one a line: "term: weight"</label>
<p class="hint" id="rules-hint">Case-insensitive whole words; a trailing * matches a prefix; "SEND" in quotes is case-sensitive; a negative weight for a false friend.</p>
<textarea id="rules" name="rules" aria-describedby="rules-hint" rows="14">${options.rulesText}</textarea></div>
<button class="button secondary" type="submit">Show what this would change</button>
</form>`
    : html`<h2>Terms</h2><p>Threshold ${topic.threshold}.</p><pre class="text-part" tabindex="0">${options.rulesText}</pre>`
}
<p><a href="/admin/topics">All topics</a></p>`,
  });
}
