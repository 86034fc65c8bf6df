import { describe, expect, it } from 'vitest';
import { figuresIn, keyFigures, sentences } from '../../src/digests/figures.js';

const values = (text: string) => figuresIn(text).map((figure) => figure.value);

describe('key figures', () => {
  it('pulls out money, percentages and counts with the sentence they come from', () => {
    expect(figuresIn("Hertfordshire's allocation for the period is £10.8 million, 12% less than in earlier rounds.")).toEqual([
      {
        value: '£10.8 million',
        kind: 'money',
        context: "Hertfordshire's allocation for the period is £10.8 million, 12% less than in earlier rounds.",
      },
    ]);
    expect(values('District Councils: Every district and borough council will get £90,000 for food and energy support.')).toEqual(['£90,000']);
    expect(values('Diversity: The panel welcomed the diversity of the workforce, 19.2% of whom come from ethnic heritage backgrounds.')).toEqual(['19.2%']);
    expect(values('More than 10,444 families have signed up to the Herts Card.')).toEqual(['10,444']);
    expect(values('In March, 54.4% of 17-21-year-old care leavers were in EET.')).toEqual(['54.4%']);
  });

  it('prefers a count with separators to a percentage in the same sentence', () => {
    expect(values('Representations: The yearly total of representations went up by 5%, to 1,184.')).toEqual(['1,184']);
  });

  it('drops a list item\'s "Label:" from the context', () => {
    expect(figuresIn('Compliments: Compliments rose by 74%, reflecting the good work of officers.')[0]!.context).toBe(
      'Compliments rose by 74%, reflecting the good work of officers.',
    );
  });

  it('does not mistake years, dates, time spans, ranges or reference numbers for figures', () => {
    expect(values("Children's Social Care 2024/25 Quarter 4 Performance Report.")).toEqual([]);
    expect(values('On 10 September 2025 the panel met for HSF 7.')).toEqual([]);
    expect(values('10% said so over the past 12 months.')).toEqual(['10%']);
    expect(values('Care leavers aged 17 to 21 were in work, and 11 to 5 hubs opened.')).toEqual([]);
    expect(values('A total of 466 care leavers were supported.')).toEqual(['466']);
  });

  it('splits sentences without breaking decimals or money', () => {
    expect(sentences('It cost £10.8 million. Then 54.4% agreed. 466 came.')).toEqual(['It cost £10.8 million.', 'Then 54.4% agreed.', '466 came.']);
  });

  it('takes turns between sections so one long report does not crowd out the rest', () => {
    const picked = keyFigures([['Costs rose by 10%.', 'Costs rose by 11%.', 'Costs rose by 12%.'], ['It cost £5 million.']], 2);
    expect(picked.map((figure) => figure.value)).toEqual(['10%', '£5 million']);
  });
});
