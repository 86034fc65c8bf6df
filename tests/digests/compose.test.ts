import { describe, expect, it } from 'vitest';
import { composeDigest, keyPoints, type ComposeInput } from '../../src/digests/compose.js';
import type { MeetingView } from '../../src/meetings/queries.js';
import type { Block } from '../../src/meetings/schema.js';
import { normaliseFilters, type FilterSet } from '../../src/subscribers/filters.js';
import { catalogue, meeting, section } from './builders.js';

function compose(meetings: MeetingView[], filters: Partial<FilterSet> = {}, upcoming: MeetingView[] = []) {
  const input: ComposeInput = { week: '2025-09-08', zone: 'Europe/London', filters: normaliseFilters(filters), catalogue, meetings, upcoming };
  return composeDigest(input);
}

describe('what a filter set gets', () => {
  it('gets every agenda item when it names no topic or keyword', () => {
    const digest = compose([meeting()])!;
    expect(digest.meetings[0]!.sections.map((item) => item.heading)).toEqual(['Workforce', 'Household Support Fund 7', 'Complaints']);
    expect(digest.meetings[0]!.moreItems).toBe(0);
    expect(digest.sectionCount).toBe(3);
  });

  it('gets only the matching items with a topic or keyword, and says how many more there were', () => {
    const view = meeting({ sections: [section('Workforce'), section('Household Support Fund 7', { matched: true }), section('Complaints')] });
    const digest = compose([view], { keywords: ['Household Support Fund'] })!;
    expect(digest.meetings[0]!.sections.map((item) => item.heading)).toEqual(['Household Support Fund 7']);
    expect(digest.meetings[0]!.moreItems).toBe(2);
  });

  it('keeps a matching sub-heading under the agenda item it belongs to', () => {
    const view = meeting({
      sections: [section('Quarter 4 Performance Report'), section('Care Leavers', { level: 2, matched: true })],
    });
    const digest = compose([view], { topics: ['care-leavers'] })!;
    expect(digest.meetings[0]!.sections[0]).toMatchObject({ heading: 'Care Leavers', parent: 'Quarter 4 Performance Report' });
  });

  it('shows a meeting matched on its summary alone with its lead and the items it left out', () => {
    const view = meeting({ matched: true });
    const digest = compose([view], { topics: ['care-leavers'] })!;
    expect(digest.meetings[0]).toMatchObject({ lead: 'The panel considered four reports.', sections: [], moreItems: 3 });
  });

  it('keeps only the decisions of the items shown when filtered', () => {
    const view = meeting({
      sections: [section('Workforce'), section('Household Support Fund 7', { matched: true })],
      decisions: [
        { reference: null, decidedBy: null, decidedOn: null, status: 'made', title: 'Workforce', text: 'Noted.', section: 'Workforce' },
        { reference: null, decidedBy: null, decidedOn: null, status: 'anticipated', title: 'HSF 7', text: 'To approve the plan.', section: 'Household Support Fund 7' },
      ],
    });
    const decisions = compose([view], { keywords: ['fund'] })!.meetings[0]!.decisions;
    expect(decisions).toEqual([{ title: 'HSF 7', text: 'To approve the plan.', blocks: [{ text: 'To approve the plan.', items: null }], label: 'Due to be decided' }]);
  });

  it("keeps a resolution's parts as a list, not run together", () => {
    const view = meeting({
      sections: [section('Cycling and walking plan', { blocks: [{ type: 'paragraph', text: 'Members welcomed the plan.' }] })],
      decisions: [
        {
          reference: null, decidedBy: null, decidedOn: null, status: 'made', title: 'Cycling and walking plan',
          text: 'RESOLVED –\n\n- that the plan be adopted;\n- that £1.8 million be allocated to the first three routes.',
          section: 'Cycling and walking plan',
        },
      ],
    });
    const [decision] = compose([view])!.meetings[0]!.decisions;
    expect(decision!.blocks).toEqual([
      { text: 'RESOLVED –', items: null },
      { text: null, items: [{ label: null, text: 'that the plan be adopted;' }, { label: null, text: 'that £1.8 million be allocated to the first three routes.' }] },
    ]);
  });

  it("shows each item with the council's number and its public papers under it", () => {
    const view = meeting({
      sections: [section('Workforce', { number: '4.' }), section('Complaints', { number: '5.' })],
      documents: [
        { title: 'Workforce report', category: 'Additional Documents', url: 'https://example.gov.uk/mgConvert2PDF.aspx?ID=1', section: 'Workforce' },
        { title: 'Agenda frontsheet', category: 'Agenda', url: 'https://example.gov.uk/mgConvert2PDF.aspx?ID=2', section: null },
      ],
    });
    const sections = compose([view])!.meetings[0]!.sections;
    expect(sections.map((one) => [one.number, one.heading, one.papers])).toEqual([
      ['4.', 'Workforce', [{ title: 'Workforce report', url: 'https://example.gov.uk/mgConvert2PDF.aspx?ID=1' }]],
      ['5.', 'Complaints', []],
    ]);
  });

  it('takes key figures from decisions too, each quoted with its whole sentence', () => {
    const view = meeting({
      summary: '',
      sections: [section('Cycling and walking plan', { blocks: [{ type: 'paragraph', text: 'The Local Cycling and Walking Infrastructure Plan sets out 14 priority routes over ten years.' }] })],
      decisions: [
        { reference: null, decidedBy: null, decidedOn: null, status: 'made', title: 'Plan', text: 'RESOLVED –\n\n- that £1.8 million be allocated to the first three routes.', section: 'Cycling and walking plan' },
      ],
    });
    expect(compose([view])!.meetings[0]!.figures).toEqual([
      { value: '£1.8 million', kind: 'money', context: 'that £1.8 million be allocated to the first three routes.' },
      { value: '14', kind: 'count', context: 'The Local Cycling and Walking Infrastructure Plan sets out 14 priority routes over ten years.' },
    ]);
  });

  it('shows an agenda-only meeting with its items and their agenda text', () => {
    const view = meeting({
      summary: '',
      sections: [section('Foster carers', { number: '4.', blocks: [], agenda: [{ type: 'paragraph', text: 'A report on recruitment.' }] })],
    });
    const [card] = compose([view])!.meetings;
    expect(card).toMatchObject({ agendaOnly: true, nothingYet: false, sections: [{ number: '4.', heading: 'Foster carers', blocks: [{ text: 'A report on recruitment.', items: null }] }] });
  });

  it("shows a summary page's section once when the harvested agenda item of the same name follows it", () => {
    const view = meeting({
      sections: [section('Household Support Fund 7'), section('Household Support Fund 7', { number: '6.', blocks: [] })],
      decisions: [{ reference: null, decidedBy: null, decidedOn: null, status: 'made', title: 'HSF 7', text: 'Noted.', section: 'Household Support Fund 7' }],
    });
    expect(compose([view])!.meetings[0]!.sections.map((one) => [one.number, one.heading])).toEqual([[null, 'Household Support Fund 7']]);
  });

  it('says a held meeting has nothing published yet rather than showing an empty card', () => {
    const [card] = compose([meeting({ summary: '', sections: [] })])!.meetings;
    expect(card).toMatchObject({ nothingYet: true, sections: [], decisions: [] });
  });

  it('is nothing at all for an empty week, even with meetings coming up', () => {
    expect(compose([], {}, [meeting({ status: 'scheduled' })])).toBeNull();
    expect(compose([meeting({ status: 'scheduled' })])).toBeNull();
  });

  it('lists scheduled meetings in the fortnight after as coming up', () => {
    const upcoming = [
      meeting({ status: 'scheduled', startsAt: '2025-09-17T13:00:00.000Z', sources: { council: 'https://example.org/m/2' } }),
      meeting({ status: 'held', startsAt: '2025-09-18T13:00:00.000Z' }),
    ];
    expect(compose([meeting()], {}, upcoming)!.comingUp).toEqual([
      {
        title: "Children's Social Care Cabinet Panel, 10 September 2025",
        committee: "Children's Social Care Cabinet Panel",
        council: 'Hertfordshire County Council',
        date: 'Wednesday 17 September, 2pm',
        councilUrl: 'https://example.org/m/2',
        // One word names no matter to follow: no Follow link.
        items: [
          { heading: 'Workforce', follow: null },
          { heading: 'Household Support Fund 7', follow: '1/phrase/household-support-fund-7' },
          { heading: 'Complaints', follow: null },
        ],
        moreItems: 0,
      },
    ]);
  });

  it("names a coming meeting's agenda items that match a topic or keyword, and none while its agenda is not out", () => {
    const agendaOut = meeting({
      status: 'scheduled',
      startsAt: '2025-09-17T13:00:00.000Z',
      sections: [section('Workforce'), section('Care leavers: the local offer', { matched: true }), section('Staying put', { level: 2, matched: true })],
      matched: false,
    });
    const noAgenda = meeting({ id: 2, status: 'scheduled', startsAt: '2025-09-18T13:00:00.000Z', sections: [], matched: true });
    const comingUp = compose([meeting()], { topics: ['care-leavers'] }, [agendaOut, noAgenda])!.comingUp;
    expect(comingUp.map(({ items, moreItems }) => ({ items: items.map((item) => item.heading), moreItems }))).toEqual([
      { items: ['Care leavers: the local offer', 'Staying put'], moreItems: 0 },
      { items: [], moreItems: 0 },
    ]);
  });

  it('names at most five agenda items of a coming meeting and counts the rest', () => {
    const long = meeting({ status: 'scheduled', sections: ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((heading) => section(`Item ${heading}`)) });
    const [first] = compose([meeting()], {}, [long])!.comingUp;
    expect(first).toMatchObject({ items: ['Item A', 'Item B', 'Item C', 'Item D', 'Item E'].map((heading) => ({ heading })), moreItems: 2 });
  });

  it('says in words why the subscriber gets it', () => {
    expect(compose([meeting()], { topics: ['care-leavers'], keywords: ['Household Support Fund'] })!.followed).toEqual([
      { label: 'Councils', values: ['All councils'] },
      { label: 'Committees', values: ['All committees'] },
      { label: 'Topics', values: ['Care leavers'] },
      { label: 'Keywords', values: ['household support fund'] },
    ]);
  });

  it('links to the council page and the video when the meeting has them', () => {
    const view = meeting({ sources: { council: 'https://example.org/m/1', video: 'https://video.example.org/1' } });
    expect(compose([view])!.meetings[0]).toMatchObject({ councilUrl: 'https://example.org/m/1', videoUrl: 'https://video.example.org/1' });
  });

  it('gives the title only when it says more than the committee and date', () => {
    expect(compose([meeting()])!.meetings[0]!.title).toBeNull();
    expect(compose([meeting({ title: 'Extraordinary meeting on the budget' })])!.meetings[0]!.title).toBe('Extraordinary meeting on the budget');
  });
});

describe('the subject line', () => {
  it('names the meeting, its day and the items inside', () => {
    expect(compose([meeting()])!.subject).toBe("Children's Social Care Cabinet Panel, 10 Sept: Workforce, Household Support Fund 7, Complaints");
  });

  it('counts the meetings and names as many items as fit', () => {
    const long = Array.from({ length: 8 }, (_, index) => section(`A rather long agenda item heading number ${index + 1}`));
    const subject = compose([meeting({ sections: long }), meeting({ id: 2, startsAt: '2025-09-11T09:00:00.000Z' })])!.subject;
    expect(subject).toMatch(/^2 meetings: A rather long agenda item heading number 1, .* and \d+ more$/);
    expect(subject.length).toBeLessThanOrEqual(110);
  });

  it('leaves out agenda numbering', () => {
    expect(compose([meeting({ sections: [section('5.2 Annual Valuing Foster Carers Dinner')] })])!.subject).toMatch(/: Annual Valuing Foster Carers Dinner$/);
  });

  it('still names the meeting when no item is shown', () => {
    expect(compose([meeting({ matched: true })], { topics: ['care-leavers'] })!.subject).toBe("Children's Social Care Cabinet Panel, 10 Sept");
  });
});

describe('key points of an agenda item', () => {
  it('keeps bullet lists as lists, with the line that introduces them', () => {
    const points = keyPoints([
      { type: 'paragraph', text: 'Members discussed the plan.' },
      { type: 'paragraph', text: 'Main points:' },
      { type: 'list', items: ['Objective: Crisis help for households.', 'Unlabelled point'] },
      { type: 'paragraph', text: 'The panel noted the report.' },
    ]);
    expect(points).toEqual({
      blocks: [
        { text: 'Members discussed the plan.', items: null },
        { text: 'Main points:', items: null },
        { text: null, items: [{ label: 'Objective', text: 'Crisis help for households.' }, { label: null, text: 'Unlabelled point' }] },
      ],
      morePara: 1,
    });
  });

  it('keeps the opening paragraphs of prose and counts the rest', () => {
    const blocks: Block[] = Array.from({ length: 5 }, (_, index) => ({ type: 'paragraph', text: `Paragraph ${index + 1}.` }));
    expect(keyPoints(blocks)).toEqual({
      blocks: [{ text: 'Paragraph 1.', items: null }, { text: 'Paragraph 2.', items: null }],
      morePara: 3,
    });
  });
});
