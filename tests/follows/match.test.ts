import { describe, expect, it } from 'vitest';
import { describeFollow, followKeyOf, followPhrase, itemMatches, planningReferences, type MatchableItem } from '../../src/follows/match.js';

const item = (heading: string, text = '', extra: Partial<MatchableItem> = {}): MatchableItem => ({ heading, text, council: 'east-herts', ...extra });

describe('planning application references', () => {
  it.each([
    ['25/00912/FULM', 'Land at Brickendon Lane, 25/00912/FULM, residential development'],
    ['PL/2025/0123/FUL', 'Application PL/2025/0123/FUL: change of use'],
    ['3/25/1234/FUL', 'Erection of 40 homes (3/25/1234/FUL)'],
    ['5/2025/1234', 'Outline application 5/2025/1234 for a care home'],
    ['4/01234/25/FUL', '4/01234/25/FUL - 12 Marlowes'],
    ['25/00912/FULM', 'ref 25/00912/fulm in lower case'],
  ])('finds %s in a sentence', (reference, text) => {
    expect(planningReferences(text)).toEqual([reference]);
  });

  it.each([
    ['a date', 'Minutes of the meeting held on 17/06/2025'],
    ['an impossible date', 'deferred from 31/02/2025'],
    ['a year-first date', 'published 2025/06/17'],
    ['a fraction', 'a 1/2/3 split of the fund'],
    ['a two-part number', 'paragraph 3/2025 of the constitution'],
    ['a web path', 'see https://democracy.example.gov.uk/ieListDocuments.aspx?CId=160&MId=2001'],
    ['a reference with mixed parts', 'code AB12/34C/5678'],
  ])('does not take %s for a reference', (_what, text) => {
    expect(planningReferences(text)).toEqual([]);
  });

  it('lists each reference once, first seen first', () => {
    expect(planningReferences('3/25/1234/FUL and 25/00912/FULM, again 3/25/1234/ful')).toEqual(['3/25/1234/FUL', '25/00912/FULM']);
  });

  it('reads a long hostile text in linear time without backtracking blow-up', () => {
    const text = `${'1/'.repeat(50_000)}x ${'A/'.repeat(50_000)}`;
    expect(planningReferences(text)).toEqual([]);
  });
});

describe('the phrase a title follows', () => {
  it.each([
    ['4. Hertford Theatre Redevelopment (Pages 15 - 40)', 'hertford theatre redevelopment'],
    ['12(a) Report of the Director of Resources on the Medium Term Financial Plan', 'medium term financial plan'],
    ['Item 5: To consider the Waste Collection Contract', 'waste collection contract'],
    ['Update on Bishop’s Stortford Town Centre Masterplan - report to follow', 'bishops stortford town centre masterplan'],
    ['(iii) Local Plan Review', 'local plan review'],
  ])('"%s" follows "%s"', (title, phrase) => {
    expect(followPhrase(title)).toBe(phrase);
  });

  it.each(['1. Apologies for absence', '2. Declarations of Interest', '3. Minutes of the previous meeting', 'Any Other Business', '9. Exclusion of the Press and Public', 'Work Programme', '4. Budget'])(
    'has none for "%s", which names no matter',
    (title) => {
      expect(followPhrase(title)).toBeNull();
    },
  );
});

describe('what a follow looks for', () => {
  it('prefers an application reference in the agenda text to the title', () => {
    expect(followKeyOf(item('6. Land north of Thorley Street', 'Application 3/25/1234/FUL for 120 homes', { issueId: '4411' }))).toEqual({ kind: 'reference', value: '3/25/1234/FUL' });
  });

  it("takes the council site's issue id, named with the council, when there is no reference", () => {
    expect(followKeyOf(item('7. Medium Term Financial Plan', 'The draft plan for 2026/27.', { issueId: '4411' }))).toEqual({ kind: 'issue', value: 'east-herts:4411' });
  });

  it('falls back to the stripped title', () => {
    expect(followKeyOf(item('8. Hertford Theatre Redevelopment', 'An update from officers.'))).toEqual({ kind: 'phrase', value: 'hertford theatre redevelopment' });
  });

  it('has nothing to follow on a procedural item', () => {
    expect(followKeyOf(item('1. Apologies for absence'))).toBeNull();
  });

  it('says what it will look for', () => {
    expect(describeFollow({ kind: 'reference', value: '25/00912/FULM' })).toBe('items mentioning 25/00912/FULM');
    expect(describeFollow({ kind: 'phrase', value: 'local plan review' })).toBe('items whose title contains “local plan review”');
    expect(describeFollow({ kind: 'issue', value: 'east-herts:4411' })).toContain('4411');
  });
});

describe('matching a later item', () => {
  const reference = { kind: 'reference', value: '25/00912/FULM' } as const;
  const phrase = { kind: 'phrase', value: 'local plan review' } as const;
  const issue = { kind: 'issue', value: 'east-herts:4411' } as const;

  it('matches a reference in a later title or agenda text', () => {
    expect(itemMatches(reference, item('5. 25/00912/FULM Land at Brickendon Lane'))).toBe(true);
    expect(itemMatches(reference, item('5. Planning applications', 'Schedule: 25/00912/fulm; 25/00444/HH'))).toBe(true);
  });

  it('does not match false friends of a reference', () => {
    expect(itemMatches(reference, item('5. 25/00912/FUL Land at Brickendon Lane'))).toBe(false);
    expect(itemMatches(reference, item('5. 25/009120/FULM'))).toBe(false);
    expect(itemMatches(reference, item('5. 125/00912/FULM'))).toBe(false);
    expect(itemMatches(reference, item('5. Appeal', 'Appeal APP/25/00912/FULM'))).toBe(false);
  });

  it('matches a title holding the phrase as whole words, whatever the numbering and case', () => {
    expect(itemMatches(phrase, item('11(b) LOCAL PLAN REVIEW – Regulation 18 consultation'))).toBe(true);
    expect(itemMatches(phrase, item('Response to the Local-Plan Review'))).toBe(true);
  });

  it('does not match titles that only share words with the phrase', () => {
    expect(itemMatches(phrase, item('Local Plans Review Panel'))).toBe(false);
    expect(itemMatches(phrase, item('Review of the Local Plan'))).toBe(false);
    expect(itemMatches(phrase, item('Neighbourhood Plan', 'the local plan review is mentioned only in the text'))).toBe(false);
  });

  it('matches an issue id only at the same council', () => {
    expect(itemMatches(issue, item('Budget', '', { issueId: '4411' }))).toBe(true);
    expect(itemMatches(issue, item('Budget', '', { issueId: '4411', council: 'stevenage' }))).toBe(false);
    expect(itemMatches(issue, item('Budget', '', { issueId: null }))).toBe(false);
  });
});
