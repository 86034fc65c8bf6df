import { describe, expect, it } from 'vitest';
import { parseMeetingPage } from '../../../src/meetings/importers/page-text.js';
import { meetingSchema, type Block, type MeetingInput } from '../../../src/meetings/schema.js';
import { fixturePage } from '../../helpers/fixtures.js';

const july = () => parseMeetingPage(fixturePage('july'));
const june = () => parseMeetingPage(fixturePage('june'));
const september = () => parseMeetingPage(fixturePage('september'));

const outline = (m: MeetingInput) => (m.sections ?? []).map((s) => [s.heading, s.level]);
const blocksOf = (m: MeetingInput, heading: string): Block[] => m.sections?.find((s) => s.heading === heading)?.blocks ?? [];
const paragraphs = (m: MeetingInput) =>
  (m.sections ?? []).flatMap((s) => s.blocks ?? []).flatMap((b) => (b.type === 'paragraph' ? [b.text] : []));
const listAfter = (blocks: Block[], paragraph: string) => {
  const at = blocks.findIndex((b) => b.type === 'paragraph' && b.text === paragraph);
  const next = blocks[at + 1];
  return at >= 0 && next?.type === 'list' ? next.items : undefined;
};

const COUNCIL_LINE = 'You’ll receive weekly summaries about Hertfordshire Council every week.';

describe('parseMeetingPage: the 15 July 2025 page (blank-line layout, no title line)', () => {
  it('takes the committee and time from the agenda document name when the page has no title line', () => {
    const m = july();
    expect(m.council).toBe('Hertfordshire Council');
    expect(m.startsAt).toBe('2025-07-15T10:00:00.000+01:00');
  });

  it("prefers the summary's spelling of the committee to the file name's (Children's, not Childrens)", () => {
    expect(july().committee).toBe("Children's Social Care Cabinet Panel");
  });

  it('nests the performance report sub-headings under their agenda item as level 2', () => {
    expect(outline(july())).toEqual([
      ["Children and Young People's Strategic Plan 2026-2031", 1],
      ["Children's Social Care 2024/25 Quarter 4 Performance Report", 1],
      ['Children Looked After', 2],
      ['Care Leavers', 2],
      ['Placement Stability', 2],
      ['Special Guardianship Orders and Adoption', 2],
      ['Child Protection Plans', 2],
    ]);
  });

  it('keeps the indented • bullets as a list after the paragraph that introduces them', () => {
    const items = listAfter(blocksOf(july(), "Children and Young People's Strategic Plan 2026-2031"), 'It is built around four main ambitions:');
    expect(items).toEqual([
      'Providing the education and early help that children, young people and families need in order to thrive together',
      'Keeping children and young people safe from harm: at home, wherever they live, in the wider neighbourhood and community, and online',
      'Giving children and young people help within their family networks and local communities',
      'Supporting children and young people to live in stable homes, and building relationships with them for the future',
    ]);
  });

  it('takes the summary from under "Summary" and drops the page chrome', () => {
    const m = july();
    expect(m.summary).toBe(
      "The Children's Social Care Cabinet Panel met on 15 July 2025 to consider two items: the Children and Young People's Strategic Plan 2026-2031 and the Children's Social Care 2024/25 Quarter 4 Performance Report.\n\nMembers endorsed the strategic plan so that it can be approved at the next Cabinet meeting, and noted the performance report.",
    );
    const all = JSON.stringify(m);
    for (const chrome of ['Subscribe', 'AI Generated', 'Chat with this meeting', 'Does the plan say', 'Profile image', 'No topics', 'community@opencouncil']) {
      expect(all).not.toContain(chrome);
    }
  });

  it('reads attendees with role and party from the profile blocks', () => {
    const { attendees = [] } = july();
    expect(attendees).toHaveLength(11);
    expect(attendees[0]).toEqual({ name: 'Nigel Bell', role: 'Leader, Labour Group', party: 'Labour' });
    expect(attendees[1]).toEqual({ name: 'Dee Hart', party: 'Conservative' });
    expect(attendees).toContainEqual({ name: 'Louise Price', role: "Deputy Executive member for Children's Social Care", party: 'Liberal Democrats' });
    expect(attendees).toContainEqual({
      name: 'Fiona Thomson',
      role: 'Deputy Leader, Conservative Group; Chair, Overview and Scrutiny Committee',
      party: 'Conservative',
    });
    expect(attendees.at(-1)).toEqual({ name: 'Sandy Walkington', role: 'Vice-Chairman of the Council', party: 'Liberal Democrats' });
  });

  it('files the documents under their category headings', () => {
    const docs = july().documents ?? [];
    const titles = (category: string) => docs.filter((d) => d.category === category).map((d) => d.title);
    expect(titles('Agenda')).toEqual(['Agenda frontsheet Tuesday 15-Jul-2025 10.00 Childrens Social Care Cabinet Panel.pdf', '01 Agenda 20250715.pdf']);
    expect(titles('Reports Pack')).toEqual(['Public reports pack Tuesday 15-Jul-2025 10.00 Childrens Social Care Cabinet Panel.pdf']);
    expect(titles('Additional Documents')).toHaveLength(5);
    expect(titles('Additional Documents')[0]).toBe('03 Item 3 CSC Q4 2024-25 Performance report.pdf');
  });

  it('records the endorsement as a decision of its section', () => {
    expect(july().decisions).toEqual([
      {
        status: 'made',
        text: "The panel endorsed the Children and Young People's Strategic Plan 2026-2031 so that Cabinet can approve it.",
        section: "Children and Young People's Strategic Plan 2026-2031",
      },
    ]);
    expect(july().footnotes).toEqual([]);
  });
});

describe('parseMeetingPage: the 17 June 2025 page (compact layout)', () => {
  it('takes committee, date and a 2.00 pm start from the title line, with the BST offset', () => {
    const m = june();
    expect(m.committee).toBe("Children's Social Care Cabinet Panel");
    expect(m.startsAt).toBe('2025-06-17T14:00:00.000+01:00');
    expect(m.summary).toMatch(/^At its meeting on 17 June 2025 the Children's Social Care Cabinet Panel took two items: how Hertfordshire's care leavers/);
  });

  it('finds both agenda items as level-1 sections', () => {
    expect(outline(june())).toEqual([
      ['Education, Employment and Training Outcomes for Care Leavers', 1],
      ['Hertfordshire Youth Justice Plan 2025-26', 1],
    ]);
  });

  it('re-joins lines broken in the middle of a sentence or a quoted phrase', () => {
    const texts = paragraphs(june());
    expect(texts).toContain(
      "Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, asked what makes it hard to lift the EET rate. Peter Hosier, Head of Services for Young People, said there was 'absolutely no magic answer', but the council would keep working closely with partners including Jobcentre Plus and Hertfordshire Futures.",
    );
    expect(texts.some((t) => t.endsWith("and that staff take a 'nagging parent' approach to keeping young people engaged."))).toBe(true);
    expect(texts.some((t) => t.includes("whether the 'six Bs' (to be resilient, included,"))).toBe(true);
    expect(texts).toContain("She described two 'golden threads' that run through the plan:");
  });

  it('keeps "- " bullets as lists', () => {
    const blocks = blocksOf(june(), 'Hertfordshire Youth Justice Plan 2025-26');
    expect(listAfter(blocks, "She described two 'golden threads' that run through the plan:")).toEqual([
      'Voice of Children, Families and Victims',
      'Disproportionality and Anti-Racist Practice',
    ]);
    const priorities = listAfter(blocks, 'Alongside them, the plan sets five priorities:');
    expect(priorities).toHaveLength(5);
    expect(priorities?.[4]).toBe('Driving improvement in practice and in the service through workforce development, performance data and quality assurance');
  });

  it('turns glued markers into footnotes and takes the footnote texts out of the last section', () => {
    const m = june();
    expect(m.footnotes).toEqual([
      { number: 1, anchor: 'Futures', text: 'Hertfordshire Futures, formerly known as Herts LEP, works to promote sustainable economic growth across the county.' },
      { number: 2, anchor: 'Museum', text: 'Mill Green Museum, in Hatfield, is a museum housed in a working watermill.' },
      { number: 3, anchor: 'Act 1998', text: 'Under the Crime and Disorder Act 1998, every local authority must produce a youth justice plan each year.' },
    ]);
    const all = JSON.stringify(m.sections);
    for (const glued of ['Futures1', 'Museum2', '19983', '↩']) expect(all).not.toContain(glued);
    expect(all).toContain('under Section 40 of the Crime and Disorder Act 1998, and that full council');
    expect(all).toContain('the closure of Mill Green Museum had taken away');
    expect(m.sections?.at(-1)?.blocks?.at(-1)).toEqual({
      type: 'paragraph',
      text: 'The panel noted the report and endorsed the content of the Hertfordshire Youth Justice Plan 2025-26 to cabinet. It also recommended that cabinet ask council to approve the plan.',
    });
  });

  it('records what the panel agreed, per section', () => {
    expect(june().decisions?.map((d) => [d.section, d.text])).toEqual([
      ['Education, Employment and Training Outcomes for Care Leavers', 'The panel noted the report and agreed to look at the subject again in six months.'],
      ['Hertfordshire Youth Justice Plan 2025-26', 'The panel noted the report and endorsed the content of the Hertfordshire Youth Justice Plan 2025-26 to cabinet.'],
    ]);
  });

  it('accepts empty Attendees and document category lists', () => {
    expect(june().attendees).toEqual([]);
    expect(june().documents).toEqual([]);
  });
});

describe('parseMeetingPage: the 10 September 2025 page (compact layout)', () => {
  it('reads a 10.00 am start and four agenda items', () => {
    const m = september();
    expect(m.startsAt).toBe('2025-09-10T10:00:00.000+01:00');
    expect(outline(m)).toEqual([
      ["Children's Services Recruitment, Retention and Workforce", 1],
      ['Household Support Fund 7', 1],
      ["Children's Services Annual Complaints and Compliments Report", 1],
      ["Children's Social Care 2025/26 Quarter 1 Performance Report", 1],
    ]);
  });

  it('keeps "Points raised:" as a paragraph before its list', () => {
    const items = listAfter(blocksOf(september(), "Children's Services Recruitment, Retention and Workforce"), 'Points raised:');
    expect(items).toHaveLength(8);
    expect(items?.[5]).toBe(
      'LGR: Councillor Fiona Thomson, Deputy Leader, Conservative Group, worried that Local Government Reorganisation could lead experienced staff to reconsider their positions.',
    );
  });

  it('strips the footnote marker but leaves real numbers alone', () => {
    const m = september();
    expect(m.footnotes).toEqual([
      { number: 1, anchor: 'Reorganisation', text: 'Local Government Reorganisation (LGR) means the reshaping of local council structures in England.' },
    ]);
    const all = JSON.stringify(m);
    expect(all).not.toContain('Reorganisation1');
    for (const kept of ['Household Support Fund (HSF) 7,', '£10.8 million', 'by 5%, to 1,184.', '11 to 5 Hubs:', 'the first quarter of 2025/26', '10,444 families']) {
      expect(all).toContain(kept);
    }
  });

  it('records "The panel noted the report." under each agenda item', () => {
    const decisions = september().decisions ?? [];
    expect(decisions.map((d) => d.section)).toEqual([
      "Children's Services Recruitment, Retention and Workforce",
      'Household Support Fund 7',
      "Children's Services Annual Complaints and Compliments Report",
      "Children's Social Care 2025/26 Quarter 1 Performance Report",
    ]);
    expect(decisions[0]?.text).toBe('The panel noted the report and the steps being taken to manage pressures on the workforce.');
    expect(decisions.slice(1).every((d) => d.text === 'The panel noted the report.' && d.status === 'made')).toBe(true);
  });
});

describe('parseMeetingPage: options and output', () => {
  it('produces meetings that pass the canonical schema', () => {
    for (const m of [july(), june(), september()]) expect(() => meetingSchema.parse(m)).not.toThrow();
  });

  it('places the local time in the requested time zone', () => {
    const m = parseMeetingPage(fixturePage('june'), { timeZone: 'America/New_York' });
    expect(m.startsAt).toBe('2025-06-17T14:00:00.000-04:00');
  });

  it('lets the caller name the council, overriding the page', () => {
    expect(june().council).toBe('Hertfordshire Council');
    expect(parseMeetingPage(fixturePage('june'), { council: 'Hertfordshire County Council' }).council).toBe(
      'Hertfordshire County Council',
    );
  });

  it('falls back to the date line and to the committee the summary says met', () => {
    const m = parseMeetingPage(`${COUNCIL_LINE}\nMay 2, 2025 View on council website Summary\nThe Licensing Sub-Committee met to hear one application.`);
    expect(m).toMatchObject({ committee: 'Licensing Sub-Committee', startsAt: '2025-05-02T00:00:00.000+01:00' });
  });

  it('treats a page with a date but no sections as a summary-only meeting', () => {
    const m = parseMeetingPage(`${COUNCIL_LINE}\nPlanning Committee - Monday, 3 March 2025 7.30 pm\nSummary\nThe meeting was adjourned without business.`);
    expect(m).toMatchObject({ committee: 'Planning Committee', startsAt: '2025-03-03T19:30:00.000+00:00', sections: [] });
    expect(m.summary).toBe('The meeting was adjourned without business.');
  });
});

/** Made-up pages in the same two layouts, with another council, committee and headings: guards against fitting the seeds. */
const COMPACT_PAGE = `Subscribe to updates
You'll receive weekly summaries about Dacorum Borough Council every week.
Development Management Committee - Thursday, 6 March 2025 7.30 pm
March 6, 2025 View on council website Watch video of meeting Summary
The Development Management Committee met to decide the Gadebridge Park pavilion and the Kings Langley housing scheme. It approved one and refused the other.
Gadebridge Park Pavilion
Officers presented the application for a replacement pavilion in the Green Belt1 beside the river, built in 1968.
Members raised three concerns:
- Parking on Queensway during events
- Flood risk from the River Gade
- Opening hours of the café
The committee approved the application subject to 14 conditions.
Kings Langley Housing Scheme
The application proposed 40 homes on land off Hempstead Road. Residents spoke against the scheme, saying that the access road
could not take the extra traffic.
The committee refused the application on highways grounds.
-
Green Belt land is protected from most development by national planning policy. ↩
Attendees
Topics
No topics have been identified for this meeting yet.
Meeting Documents
Agenda`;

const SPACED_PAGE = [
  'Subscribe to updates',
  "You'll receive weekly summaries about Leeds City Council every week.",
  'AI Generated',
  'Summary',
  'The Scrutiny Board (Environment) met to review the Waste Strategy Refresh and the Annual Air Quality Report. The board endorsed the waste strategy for consultation.',
  'Waste Strategy Refresh',
  'The board reviewed the refreshed waste strategy, which runs to 2030.',
  'Food Waste Collections',
  'Weekly food waste collections will start in April 2026.',
  '  • Caddies will be delivered to 340,000 homes\n  • Liners will be free for the first year',
  'Recycling Centres',
  'Opening hours at the five household waste sites will be standardised.',
  'The board endorsed the waste strategy for consultation.',
  'Annual Air Quality Report',
  'The report showed nitrogen dioxide below the legal limit at all 12 monitoring sites.',
  'Attendees',
  'Profile image for Amara Okafor\nAmara Okafor \u00a0 Chair, Scrutiny Board (Environment) • \u00a0 (Labour)\nProfile image for Tom Riley\nTom Riley \u00a0 (Green)',
  'Meeting Documents',
  'Agenda',
  'Agenda frontsheet Wednesday 12-Feb-2025 13.30 Scrutiny Board Environment.pdf',
].join('\n\n');

describe('parseMeetingPage: pages nobody here has seen', () => {
  it('parses a compact page from another council with a list, a broken line and a footnote', () => {
    const m = parseMeetingPage(COMPACT_PAGE);
    expect(m).toMatchObject({ council: 'Dacorum Borough Council', committee: 'Development Management Committee', startsAt: '2025-03-06T19:30:00.000+00:00' });
    expect(outline(m)).toEqual([['Gadebridge Park Pavilion', 1], ['Kings Langley Housing Scheme', 1]]);
    expect(listAfter(blocksOf(m, 'Gadebridge Park Pavilion'), 'Members raised three concerns:')).toEqual([
      'Parking on Queensway during events',
      'Flood risk from the River Gade',
      'Opening hours of the café',
    ]);
    expect(paragraphs(m)).toContain(
      'The application proposed 40 homes on land off Hempstead Road. Residents spoke against the scheme, saying that the access road could not take the extra traffic.',
    );
    expect(paragraphs(m)[0]).toBe('Officers presented the application for a replacement pavilion in the Green Belt beside the river, built in 1968.');
    expect(m.footnotes).toEqual([{ number: 1, anchor: 'Belt', text: 'Green Belt land is protected from most development by national planning policy.' }]);
    expect(m.decisions?.map((d) => [d.section, d.text])).toEqual([
      ['Gadebridge Park Pavilion', 'The committee approved the application subject to 14 conditions.'],
      ['Kings Langley Housing Scheme', 'The committee refused the application on highways grounds.'],
    ]);
  });

  it('parses a blank-line page with sub-headings, • bullets, attendees and a 24-hour agenda time', () => {
    const m = parseMeetingPage(SPACED_PAGE);
    expect(m).toMatchObject({ council: 'Leeds City Council', committee: 'Scrutiny Board (Environment)', startsAt: '2025-02-12T13:30:00.000+00:00' });
    expect(outline(m)).toEqual([
      ['Waste Strategy Refresh', 1],
      ['Food Waste Collections', 2],
      ['Recycling Centres', 2],
      ['Annual Air Quality Report', 1],
    ]);
    expect(blocksOf(m, 'Food Waste Collections')[1]).toEqual({
      type: 'list',
      items: ['Caddies will be delivered to 340,000 homes', 'Liners will be free for the first year'],
    });
    expect(m.attendees).toEqual([
      { name: 'Amara Okafor', role: 'Chair, Scrutiny Board (Environment)', party: 'Labour' },
      { name: 'Tom Riley', party: 'Green' },
    ]);
    expect(m.documents).toEqual([{ title: 'Agenda frontsheet Wednesday 12-Feb-2025 13.30 Scrutiny Board Environment.pdf', category: 'Agenda' }]);
    expect(m.decisions).toEqual([{ status: 'made', text: 'The board endorsed the waste strategy for consultation.', section: 'Recycling Centres' }]);
    expect(() => meetingSchema.parse(m)).not.toThrow();
  });
});
