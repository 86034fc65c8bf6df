import { describe, expect, it } from 'vitest';
import type { Block } from '../../../src/meetings/schema.js';
import { defaultTopics, type TopicDefinition } from '../../../src/meetings/topics/taxonomy.js';
import {
  compileTopics,
  scoreText,
  tagMeeting,
  tagText,
  TaxonomyError,
} from '../../../src/meetings/topics/tagger.js';
import { labelledSections } from './labels.js';

const topic = (slug: string, rules: [string, number][], threshold = 2): TopicDefinition => ({
  slug,
  name: slug,
  description: slug,
  threshold,
  rules: rules.map(([term, weight]) => ({ term, weight })),
});

const matches = (term: string, text: string) =>
  scoreText(compileTopics([topic('t', [[term, 1]])]), { text }).length > 0;

describe('term semantics', () => {
  it('ignores case and treats straight, curly and missing apostrophes alike', () => {
    for (const text of ["Children's Services", 'CHILDREN’S services', 'childrens services']) {
      expect(matches("children's services", text)).toBe(true);
    }
  });

  it('lets a possessive apostrophe close any word of the text', () => {
    expect(matches('young carers conference', "the Young Carers' Conference")).toBe(true);
    expect(matches("carer's assessment*", 'carers’ assessments')).toBe(true);
  });

  it('matches a prefix only where the term ends in *', () => {
    expect(matches('foster*', 'fostering and fosterers')).toBe(true);
    expect(matches('foster', 'fostering')).toBe(false);
    expect(matches('chair* of the panel', 'Chairman of the Panel')).toBe(true);
  });

  it('joins the words of a term by any run of spaces, hyphens or line breaks', () => {
    for (const text of ['cost of living', 'cost-of-living', 'cost of\nliving', 'cost  -  of living']) {
      expect(matches('cost of living', text)).toBe(true);
    }
    expect(matches('looked-after', 'children looked after')).toBe(true);
    expect(matches('cost of living', 'cost, of living')).toBe(false);
  });

  it('matches whole words only', () => {
    expect(matches('bus', 'a business case')).toBe(false);
    expect(matches('bus', 'the 321 bus.')).toBe(true);
    expect(matches('tree*', 'treatment')).toBe(false);
    expect(matches('re offend*', 're-offending')).toBe(true);
  });

  it('keeps other punctuation literal', () => {
    expect(matches('education, health and care plan*', 'Education, Health and Care Plans')).toBe(true);
    expect(matches('education, health and care plan*', 'education health and care plans')).toBe(false);
  });

  it('matches a quoted term case-sensitively, so SEND the acronym is not send the verb', () => {
    expect(matches('"SEND"', 'the SEND Local Offer')).toBe(true);
    expect(matches('"SEND"', 'officers will send the letter')).toBe(false);
    expect(matches('"SEND"', 'Send it today')).toBe(false);
    expect(matches('"GP*"', 'local GPs')).toBe(true);
  });

  it('rejects terms it cannot read', () => {
    for (const bad of ['fo*ster', '  ', '*', '"SEND', '& ;']) {
      expect(() => compileTopics([topic('a', [[bad, 1]])]), bad).toThrow(TaxonomyError);
    }
    expect(() => compileTopics([topic('a', [['x', 1], ['x', 2]])])).toThrow(/appears twice/);
    expect(() => compileTopics([topic('a', [['x', 0]])])).toThrow(/non-zero weight/);
    expect(() => compileTopics([topic('a', [['x', 1]]), topic('a', [['y', 1]])])).toThrow(/twice/);
  });

  it('stays linear on long runs of letters and separators', () => {
    const compiled = compileTopics(defaultTopics);
    const text = `${'a'.repeat(200_000)} ${'- '.repeat(50_000)}${'fosterfoster'.repeat(10_000)}`;
    const started = performance.now();
    tagText(compiled, { text });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('scoring', () => {
  const compiled = compileTopics([
    topic('schools', [['school*', 0.5], ['headteacher*', 2], ['pupil*', 1]]),
    topic('adoption', [['adoption*', 1], ['adoption of the', -0.5], ['adopters', 2]]),
  ]);

  it('tags on one strong term but not on a generic one, however often it repeats', () => {
    expect(tagText(compiled, { text: 'The headteacher spoke.' })).toEqual(['schools']);
    const generic = scoreText(compiled, { text: 'school '.repeat(20) });
    expect(generic).toEqual([{ slug: 'schools', score: 0.75, matched: ['school*'] }]);
    expect(tagText(compiled, { text: 'school '.repeat(20) })).toEqual([]);
  });

  it('adds a capped bonus of a quarter of the weight per repeat', () => {
    const score = (text: string) => scoreText(compiled, { text })[0]?.score;
    expect(score('pupils')).toBe(1);
    expect(score('pupils, pupils')).toBe(1.25);
    expect(score('pupils, pupils, pupils, pupils, pupils')).toBe(1.5);
  });

  it('counts a heading match double', () => {
    expect(scoreText(compiled, { heading: 'Pupil premium', text: 'An update.' })[0]?.score).toBe(2);
    expect(tagText(compiled, { heading: 'Pupil premium', text: 'An update.' })).toEqual(['schools']);
    expect(tagText(compiled, { text: 'Pupil premium. An update.' })).toEqual([]);
  });

  it('lets a false friend hide the words inside it and subtract its weight', () => {
    const planning = scoreText(compiled, { text: 'Adoption of the local plan, adoption of the design code.' });
    expect(planning).toEqual([{ slug: 'adoption', score: -0.625, matched: ['adoption of the'] }]);
    const mixed = scoreText(compiled, { text: 'Adopters welcomed the adoption of the new adoption support offer.' });
    expect(mixed[0]?.score).toBe(-0.5 + 1 + 2);
  });

  it('orders tags by score, highest first', () => {
    const text = 'Pupils met adopters; adoption panels and adoptions were discussed with the headteacher.';
    expect(scoreText(compiled, { text }).map((s) => s.slug)).toEqual(['adoption', 'schools']);
    expect(tagText(compiled, { heading: 'Headteachers and pupils', text })).toEqual(['schools', 'adoption']);
  });
});

describe('tagMeeting', () => {
  const compiled = compileTopics(defaultTopics);
  const para = (text: string): Block => ({ type: 'paragraph', text });

  it('tags each section on its own text, and the meeting on its sections plus its summary', () => {
    const result = tagMeeting(compiled, {
      summary: 'The panel also heard about the Household Support Fund.',
      sections: [
        { heading: 'Quarter 1 Performance Report', blocks: [para('Indicators were mostly in the top quartile.')] },
        { heading: 'Care Leavers', blocks: [{ type: 'list', items: ['Staying put', 'Pathway plans'] }] },
        { heading: 'Any other business', blocks: [] },
      ],
    });
    expect(result.sections).toEqual([['complaints-performance'], ['care-leavers'], []]);
    expect(result.meeting).toEqual(['care-leavers', 'cost-of-living', 'complaints-performance']);
  });

  it('does not lend a heading or its topics to the sub-sections after it', () => {
    const result = tagMeeting(compiled, {
      summary: '',
      sections: [
        { heading: 'Hertfordshire Youth Justice Plan', blocks: [para('The plan was endorsed.')] },
        { heading: 'Resources', blocks: [{ type: 'list', items: ['A grant of £1m', 'Partner funding'] }] },
      ],
    });
    expect(result.sections).toEqual([['youth-justice'], ['budget-finance']]);
  });

  it('lets a term run from one list item into the next, as it would across a line break', () => {
    const result = tagMeeting(compiled, {
      summary: '',
      sections: [{ heading: 'Actions', blocks: [{ type: 'list', items: ['Support for care', 'leavers aged 18'] }] }],
    });
    expect(result.sections).toEqual([['care-leavers']]);
  });
});

describe('the default taxonomy', () => {
  it('has the 20 starting topics, each able to tag on a strong term alone', () => {
    expect(defaultTopics.map((t) => t.slug).sort()).toEqual(
      [
        'children-social-care', 'child-protection', 'children-looked-after', 'fostering-adoption',
        'care-leavers', 'education', 'send', 'youth-justice', 'early-years-family-support',
        'cost-of-living', 'budget-finance', 'workforce', 'housing', 'health-wellbeing',
        'local-government-reorganisation', 'complaints-performance', 'transport', 'planning',
        'environment', 'adult-social-care',
      ].sort(),
    );
    for (const t of defaultTopics) {
      expect(t.name.length, t.slug).toBeGreaterThan(0);
      expect(t.description, t.slug).toMatch(/^[A-Z].{30,}\.$/);
      expect(t.rules.some((r) => r.weight >= t.threshold), t.slug).toBe(true);
    }
    expect(() => compileTopics(defaultTopics)).not.toThrow();
  });
});

describe('accuracy against hand labels of the seed pages', () => {
  it('reaches 0.85 micro precision and recall', () => {
    const compiled = compileTopics(defaultTopics);
    const perTopic = new Map(defaultTopics.map((t) => [t.slug, { tp: 0, fp: 0, fn: 0 }]));
    for (const section of labelledSections) {
      const got = new Set(tagText(compiled, { heading: section.heading, text: section.text }));
      for (const [slug, counts] of perTopic) {
        const want = section.topics.includes(slug);
        if (want && got.has(slug)) counts.tp++;
        else if (got.has(slug)) counts.fp++;
        else if (want) counts.fn++;
      }
    }
    const total = { tp: 0, fp: 0, fn: 0 };
    const ratio = (a: number, b: number) => (b === 0 ? '-' : (a / b).toFixed(2));
    const rows = [...perTopic].map(([slug, c]) => {
      total.tp += c.tp;
      total.fp += c.fp;
      total.fn += c.fn;
      return { slug, ...c, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn) };
    });
    const precision = total.tp / (total.tp + total.fp);
    const recall = total.tp / (total.tp + total.fn);
    rows.push({ slug: 'MICRO', ...total, precision: precision.toFixed(3), recall: recall.toFixed(3) });
    console.log(`${labelledSections.length} labelled sections`);
    console.table(rows);
    expect(precision).toBeGreaterThanOrEqual(0.85);
    expect(recall).toBeGreaterThanOrEqual(0.85);
  });
});

describe('generalisation beyond children’s services', () => {
  const compiled = compileTopics(defaultTopics);
  // Written after the taxonomy was tuned on other sentences, then run once as
  // a held-out check: 13 of 16 passed. The three misses (CQC-rated care homes,
  // new affordable homes, staff wellbeing) were real gaps and led to the rules
  // "care home*" at 2, "requires improvement", "new homes"/"affordable" and
  // "staff wellbeing"/"morale", so these sentences are no longer held out.
  const cases: { heading?: string; text: string; topics: string[] }[] = [
    {
      heading: 'Planning Committee – 12 March',
      text: "Members refused the application for a two-storey rear extension in the Hitchin conservation area, contrary to the officer's recommendation.",
      topics: ['planning'],
    },
    {
      text: "The panel agreed a consultation on residents' parking zones and new pedestrian crossings near the railway station.",
      topics: ['transport'],
    },
    {
      text: 'Scrutiny members questioned the availability of residential placements for adults with learning disabilities and the shortage of domiciliary care in rural areas.',
      topics: ['adult-social-care'],
    },
    {
      text: 'The council declared an ecological emergency and set out plans to restore chalk streams and reduce flooding from the River Lea.',
      topics: ['environment'],
    },
    {
      text: 'Members noted that fly-tipping incidents had increased since charges were introduced at household waste recycling centres.',
      topics: ['environment'],
    },
    {
      text: 'The Cabinet recommended a council tax support scheme for 2026/27 that protects pensioners and low-income households.',
      topics: ['cost-of-living', 'budget-finance'],
    },
    {
      text: "Hertfordshire's Bus Service Improvement Plan will pay for more frequent evening buses and cheaper fares for young people.",
      topics: ['transport'],
    },
    { text: 'Please send any questions to the clerk before the meeting.', topics: [] },
    { heading: 'SEND SUFFICIENCY STRATEGY', text: 'The strategy was endorsed.', topics: ['send'] },
    {
      text: 'Headteachers reported that persistent absence had fallen in secondary schools after the attendance support pilot.',
      topics: ['education'],
    },
    {
      text: 'The ICB presented its plan to cut CAMHS waiting times for children referred with anxiety.',
      topics: ['health-wellbeing'],
    },
    {
      text: 'The CQC rated two council-run care homes as requires improvement.',
      topics: ['adult-social-care', 'complaints-performance'],
    },
    { text: 'The shadow authority will take over on vesting day in April 2028.', topics: ['local-government-reorganisation'] },
    {
      text: 'The Youth Offending Team reported fewer first-time entrants to the criminal justice system.',
      topics: ['youth-justice'],
    },
    {
      text: 'The local plan allocates sites for 2,000 new homes, a third of them affordable.',
      topics: ['planning', 'housing'],
    },
    {
      text: 'The review of the working environment and staff wellbeing found improved morale among employees.',
      topics: ['workforce'],
    },
  ];

  it.each(cases)('$text', ({ heading, text, topics }) => {
    expect(tagText(compiled, { heading, text }).sort()).toEqual([...topics].sort());
  });
});
