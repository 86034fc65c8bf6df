import { describe, expect, it } from 'vitest';
import { parseExecutiveReport } from '../../../src/meetings/importers/report.js';
import { meetingSchema, type Block } from '../../../src/meetings/schema.js';
import { fixturePage } from '../../helpers/fixtures.js';

const REPORT = fixturePage('report');
const report = () => parseExecutiveReport(REPORT);
const blocksOf = (heading: string): Block[] => report().sections?.find((s) => s.heading === heading)?.blocks ?? [];

describe('parseExecutiveReport: the March 2018 Children’s Services report', () => {
  it('is a County Council report dated the first of its closing month', () => {
    expect(report()).toMatchObject({
      council: 'Hertfordshire County Council',
      committee: 'County Council',
      kind: 'report',
      title: "Executive Member report: Children's Services (March 2018)",
      startsAt: '2018-03-01T00:00:00.000+00:00',
    });
  });

  it('writes the summary from the portfolio and the author', () => {
    expect(report().summary).toMatch(
      /^The Children's Services portfolio report to County Council by Teresa Heritage, Executive Member for Children's Services, March 2018\.\n\nIt also covers: Nascot Lawn; Annual Valuing Foster Carers Dinner; /,
    );
  });

  it('takes the author as the attendee', () => {
    expect(report().attendees).toEqual([{ name: 'Teresa Heritage', role: "Executive Member for Children's Services" }]);
  });

  it('turns numbered sections into level 1 and "5.1"-style sub-headings into level 2', () => {
    expect(report().sections?.map((s) => [s.heading, s.level])).toEqual([
      ['Cabinet decisions since the last meeting of County Council', 1],
      ['Consequences of Cabinet decisions before the last meeting of the County Council on 20 February 2019', 1],
      ['Anticipated/future decisions to be made by Cabinet', 1],
      ['Key Partnerships', 1],
      ['Other comments', 1],
      ['Nascot Lawn', 2],
      ['Annual Valuing Foster Carers Dinner', 2],
      ['Annual Hertfordshire Safeguarding Children’s Board (HSCB) Conference – Safeguarding Vulnerable Groups', 2],
      ['Special Educational Needs or Disabilities (SEND) Local Offer', 2],
      ['Family Safeguarding Wave 2', 2],
      ["Young Carers' Annual Conference – Young Carers: Not By The Book Conference", 2],
      ['Performance Highlights – December 2017', 2],
      ['Cabinet Panels', 1],
    ]);
  });

  it('records each referenced decision with its sitting, and its status from the section', () => {
    expect(report().decisions).toEqual([
      {
        reference: 'A003/18',
        title: 'Supporting Young People in Hertfordshire',
        text: "Cabinet approved YC Hertfordshire's proposed integrated approach to supporting young people, in keeping with the priorities of the Council and of Children's Services.",
        decidedBy: 'Cabinet',
        decidedOn: '2019-02-19',
        status: 'made',
        section: 'Cabinet decisions since the last meeting of County Council',
      },
      {
        reference: 'A055/17',
        title: 'Future of Cuffley Camp Outdoor Centre',
        text: expect.stringMatching(/^Cabinet agreed that the County Council would give up its lease .* no objection to the Called-In decision being implemented\.$/),
        decidedBy: 'Cabinet',
        decidedOn: '2017-11-13',
        status: 'consequence',
        section: 'Consequences of Cabinet decisions before the last meeting of the County Council on 20 February 2019',
      },
      {
        reference: 'A020/18',
        title: "Children and Young People's Plan",
        text: expect.stringMatching(/^After a joint meeting .* Cabinet will be asked to recommend to full Council approval/),
        decidedBy: 'Cabinet',
        decidedOn: '2018-05-14',
        status: 'anticipated',
        section: 'Anticipated/future decisions to be made by Cabinet',
      },
    ]);
  });

  it('strips "- 1.1" numbering and keeps the sitting line as a paragraph', () => {
    expect(blocksOf('Cabinet decisions since the last meeting of County Council').map((b) => (b.type === 'paragraph' ? b.text.slice(0, 40) : b))).toEqual([
      'Four Cabinet meetings will have taken pl',
      'Cabinet - 19 February 2019',
      'A003/18 - Supporting Young People in Her',
    ]);
    expect(blocksOf('Consequences of Cabinet decisions before the last meeting of the County Council on 20 February 2019')[0]).toEqual({
      type: 'paragraph',
      text: 'Cabinet – 13 November 2017',
    });
    expect(blocksOf('Key Partnerships')).toEqual([
      { type: 'paragraph', text: "As I said in my previous report to Council, I am a member of the Hertfordshire Health and Wellbeing Board and of the Hertfordshire Safeguarding Children's Board." },
    ]);
  });

  it('re-joins a paragraph broken across a blank line', () => {
    const first = blocksOf('Nascot Lawn')[0];
    expect(first?.type === 'paragraph' && first.text).toMatch(
      /the decision of Herts Valleys Clinical Commissioning Group \(HVCCG\) to withdraw £600,000 of funding/,
    );
    expect(blocksOf('Nascot Lawn')).toHaveLength(2);
  });

  it('keeps link text, drops link targets, and keeps a list split by a blank line as one list', () => {
    const dinner = blocksOf('Annual Valuing Foster Carers Dinner');
    expect(dinner[2]).toEqual({
      type: 'paragraph',
      text: 'The Fostering Stocktake, published recently, raises several important issues and recommendations that open the way to further discussion;',
    });
    expect(dinner[3]?.type === 'list' && dinner[3].items).toEqual([
      'The quality of support matters greatly to people with experience of living in foster care',
      'The role and status of foster carers need to be made clearer',
      'The needs of children and young people must be at the centre of the system',
      'The commissioning of foster care placements needs to improve',
      'Best practice should be shared',
    ]);
    expect(blocksOf('Cabinet Panels')[1]).toEqual({
      type: 'list',
      items: [
        "Children's Services Cabinet Panel - 2 November 2017",
        "Children's Services Cabinet Panel - 7 February 2018",
        "Children's Services Cabinet Panel - 8 March 2018",
      ],
    });
    expect(JSON.stringify(report())).not.toContain('](#)');
  });

  it('keeps the performance highlights as a four-item list', () => {
    const [list] = blocksOf('Performance Highlights – December 2017');
    expect(list?.type === 'list' && list.items.map((i) => i.slice(0, 30))).toEqual([
      'Child Protection Plan numbers ',
      'Children Looked After (CLA) in',
      'Of the CLA who left care in th',
      'In December, 58.3% of care lea',
    ]);
  });

  it('leaves the signature out of the last section and passes the schema', () => {
    expect(JSON.stringify(report().sections?.at(-1))).not.toContain('Teresa Heritage');
    expect(() => meetingSchema.parse(report())).not.toThrow();
  });
});

describe('parseExecutiveReport: options and variants', () => {
  it('lets the caller name the council and the time zone', () => {
    const m = parseExecutiveReport(REPORT, { council: 'Herts CC', timeZone: 'Asia/Tokyo' });
    expect(m.council).toBe('Herts CC');
    expect(m.startsAt).toBe('2018-03-01T00:00:00.000+09:00');
  });

  it('uses a full closing date when the report gives one', () => {
    const m = parseExecutiveReport(REPORT.replace(/March 2018\s*$/, '14 March 2018'));
    expect(m.startsAt).toBe('2018-03-14T00:00:00.000+00:00');
    expect(m.title).toBe("Executive Member report: Children's Services (14 March 2018)");
  });

  it('reads a made-up report from another portfolio', () => {
    const m = parseExecutiveReport(
      [
        'PORTFOLIO: HIGHWAYS AND TRANSPORT',
        '1. Cabinet decisions since the last meeting of County Council',
        'Cabinet – 9 June 2021',
        'B014/21 – Bus Service Improvement Plan: Cabinet agreed the plan for submission.',
        '2. Other comments',
        '2.1 Potholes',
        '- 2.1.1 Crews filled 4,210 potholes in May.',
        'John Smith',
        'Executive Member for Highways and Transport',
        'July 2021',
      ].join('\n'),
    );
    expect(m.title).toBe('Executive Member report: Highways and Transport (July 2021)');
    expect(m.sections?.map((s) => [s.heading, s.level])).toEqual([
      ['Cabinet decisions since the last meeting of County Council', 1],
      ['Other comments', 1],
      ['Potholes', 2],
    ]);
    expect(m.decisions).toEqual([
      expect.objectContaining({ reference: 'B014/21', title: 'Bus Service Improvement Plan', decidedBy: 'Cabinet', decidedOn: '2021-06-09', status: 'made' }),
    ]);
    expect(m.attendees).toEqual([{ name: 'John Smith', role: 'Executive Member for Highways and Transport' }]);
    expect(m.sections?.at(-1)?.blocks).toEqual([{ type: 'paragraph', text: 'Crews filled 4,210 potholes in May.' }]);
  });
});
