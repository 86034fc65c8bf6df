import { describe, expect, it } from 'vitest';
import { formToken, formTokenValid } from '../../src/http/html/csrf.js';
import { html } from '../../src/http/html/html.js';
import { describeFilters, unknownFilterValues, type FilterCatalogue, type FilterSet } from '../../src/subscribers/filters.js';
import { availableActions } from '../../src/subscribers/preferences.js';
import { checkSignUp } from '../../src/subscribers/signup.js';

const catalogue: FilterCatalogue = {
  councils: [
    { slug: 'herts', name: 'Hertfordshire', committees: [{ slug: 'cabinet', name: 'Cabinet' }] },
    { slug: 'essex', name: 'Essex', committees: [{ slug: 'scrutiny', name: 'Scrutiny' }] },
  ],
  topics: [
    { slug: 'housing', name: 'Housing' },
    { slug: 'transport', name: 'Transport' },
  ],
};

const filters = (values: Partial<FilterSet>): FilterSet => ({ councils: [], committees: [], topics: [], keywords: [], ...values });

describe('filter checks', () => {
  it('names unknown slugs with the valid choices', () => {
    expect(unknownFilterValues(filters({ topics: ['housing', 'flying'] }), catalogue)).toEqual([
      { field: 'topics', unknown: ['flying'], valid: ['housing', 'transport'] },
    ]);
  });

  it('checks committees against the chosen councils only', () => {
    expect(unknownFilterValues(filters({ committees: ['scrutiny'] }), catalogue)).toEqual([]);
    expect(unknownFilterValues(filters({ councils: ['herts'], committees: ['scrutiny'] }), catalogue)).toEqual([
      { field: 'committees', unknown: ['scrutiny'], valid: ['cabinet', 'herts/cabinet'] },
    ]);
  });

  it('takes a committee named with its council ("herts/cabinet") as that council\'s alone', () => {
    expect(unknownFilterValues(filters({ councils: ['herts'], committees: ['herts/cabinet'] }), catalogue)).toEqual([]);
    expect(unknownFilterValues(filters({ committees: ['herts/scrutiny'] }), catalogue)).toEqual([
      { field: 'committees', unknown: ['herts/scrutiny'], valid: expect.arrayContaining(['herts/cabinet', 'scrutiny']) },
    ]);
  });

  it('describes "nothing chosen" as everything', () => {
    expect(describeFilters(filters({}), catalogue)).toEqual([
      { label: 'Councils', values: ['All councils'] },
      { label: 'Committees', values: ['All committees'] },
      { label: 'Topics', values: ['Every topic'] },
    ]);
    expect(describeFilters(filters({ topics: ['housing'], keywords: ['bus lanes'] }), catalogue).slice(2)).toEqual([
      { label: 'Topics', values: ['Housing'] },
      { label: 'Keywords', values: ['bus lanes'] },
    ]);
  });

  it('tells malformed input (400) from unknown choices (422)', () => {
    const base = { email: 'a@example.org', councils: [], committees: [], topics: [], keywords: [] };
    expect(checkSignUp({ ...base, keywords: ['x'] }, catalogue)).toMatchObject({ ok: false, status: 400, problems: [{ path: 'keywords.0' }] });
    expect(checkSignUp({ ...base, topics: ['flying'] }, catalogue)).toMatchObject({ ok: false, status: 422 });
    expect(checkSignUp({ ...base, email: 'A@Example.org', topics: ['Housing'] }, catalogue)).toMatchObject({
      ok: true,
      email: 'A@Example.org',
      emailKey: 'a@example.org',
      filters: { topics: ['housing'] },
    });
  });
});

describe('what a subscriber can do', () => {
  it.each([
    ['pending', ['unsubscribe']],
    ['active', ['pause', 'unsubscribe']],
    ['paused', ['resume', 'unsubscribe']],
    ['unsubscribed', ['resubscribe']],
    ['erased', []],
  ] as const)('from %s: %j', (status, actions) => {
    expect(availableActions(status)).toEqual(actions);
  });
});

describe('form tokens', () => {
  const secret = 'unit-test-secret-0123456789abcdef0123456789';
  const now = new Date('2025-06-01T12:00:00Z');

  it('are good for their own form for twelve hours', () => {
    const token = formToken(secret, '/subscribe', now);
    expect(formTokenValid(secret, '/subscribe', token, new Date(now.getTime() + 11 * 3_600_000))).toBe(true);
    expect(formTokenValid(secret, '/subscribe', token, new Date(now.getTime() + 13 * 3_600_000))).toBe(false);
  });

  it('are refused for another form, another key, or when missing', () => {
    const token = formToken(secret, '/subscribe', now);
    expect(formTokenValid(secret, '/preferences/x', token, now)).toBe(false);
    expect(formTokenValid('another-secret-0123456789abcdef01234', '/subscribe', token, now)).toBe(false);
    expect(formTokenValid(secret, '/subscribe', undefined, now)).toBe(false);
    expect(formTokenValid(secret, '/subscribe', ['a', 'b'], now)).toBe(false);
  });
});

describe('the html template', () => {
  it('escapes every interpolated value unless it is html itself', () => {
    const name = '<img src=x onerror="alert(1)">';
    expect(html`<p title="${name}">${name}</p>${html`<b>ok</b>`}`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p><b>ok</b>',
    );
  });

  it('renders nothing for false, null and undefined, and joins lists', () => {
    expect(html`${false}${null}${undefined}${['a', html`<i>b</i>`, 1]}`.value).toBe('a<i>b</i>1');
  });
});
