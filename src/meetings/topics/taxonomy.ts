/**
 * The starting topic taxonomy: what subscribers pick from, and the weighted
 * keyword rules the tagger (./tagger.ts) scores text against. Operators edit
 * it once it is in the database; this file is the seed and the reference.
 *
 * Term syntax (the tagger implements exactly this):
 * - case-insensitive, matched on whole words ("bus" does not match "business"),
 *   a word being a run of digits and Latin (accented, Welsh), Greek or
 *   Cyrillic letters;
 * - a multi-word term matches its words in sequence separated by any run of
 *   whitespace or hyphens ("cost of living" matches "cost-of-living", "looked
 *   after" matches "looked-after" and a line break between the words);
 * - a word ending in `*` is a prefix ("foster*" matches fostering, fosterers;
 *   "chair* of the" matches "Chairman of the");
 * - straight and curly apostrophes in a term are equivalent and optional in
 *   the text ("children's" matches children's, children’s and childrens; the
 *   term "childrens" would not match "children's", so write the apostrophe), and
 *   a possessive apostrophe may end any word of the text ("young carers
 *   conference" matches "Young Carers' Conference");
 * - other punctuation is literal ("education, health and care plan*");
 * - a term wrapped in double quotes is case-sensitive, for acronyms that are
 *   also ordinary words: `"SEND"` matches SEND but not "send the letter".
 *
 * Weights, against a threshold of 2 for every topic:
 * - strong, specific terms weigh 2 or more and tag on their own;
 * - generic terms weigh 0.5 to 1.5 and need company (or a heading, which
 *   counts double);
 * - a negative weight marks a false friend. Write it as the longer phrase
 *   that contains the misleading words: its matches hide that topic's
 *   matches inside them, then its weight is subtracted. A phrase that is
 *   merely neutral gets -0.1, so that it only hides: job and portfolio
 *   titles ("Executive Member for Children's Social Care", "Vice-Chairman of
 *   the Health Scrutiny Committee") name a person, not the subject under
 *   discussion. A phrase that is evidence against the topic ("adoption of
 *   the local plan", "safeguarding adults") weighs more.
 * - "workforce" and bare "abuse" are deliberately weak or absent: strategies
 *   mention "equipping the workforce" in passing, and "abuse" of staff or of
 *   substances is not child protection.
 */

export interface TopicRule {
  term: string;
  weight: number;
}

export interface TopicDefinition {
  slug: string;
  name: string;
  /** One sentence a subscriber understands, shown on the sign-up form. */
  description: string;
  /** Score a text needs to be tagged with this topic. */
  threshold: number;
  rules: TopicRule[];
}

const rules = (entries: [term: string, weight: number][]): TopicRule[] =>
  entries.map(([term, weight]) => ({ term, weight }));

const THRESHOLD = 2;

export const defaultTopics: TopicDefinition[] = [
  {
    slug: 'children-social-care',
    name: "Children's social care",
    description:
      "How the council supports children and families through social work: referrals, children in need, young carers, children's homes and how the service performs overall.",
    threshold: THRESHOLD,
    rules: rules([
      ["children's social care", 2.5], ["member for children's social care", -0.1],
      ["children's services", 1], ["member for children's services", -0.1],
      ["director of children's services", -0.1],
      ['social work*', 1.5], ['social care', 0.5], ['adult social care', -0.5],
      ['health and social care', -0.25], ['social care ombudsman', -0.1],
      ['children in need', 2], ['child in need', 2], ['young carer*', 2],
      ["children's home*", 1], ['kinship care', 1], ['care proceedings', 1.5],
      ['family court*', 1], ['public law outline', 1.5], ['ILACS', 2],
      ['front door', 0.5], ['referral*', 0.5],
      ["children and young people's plan", 1], ["children and young people's strategic plan", 1],
      ['families first partnership', 1], ["children's wellbeing and schools bill", 1],
    ]),
  },
  {
    slug: 'child-protection',
    name: 'Child protection and safeguarding',
    description:
      'Keeping children safe from abuse, neglect and exploitation: child protection plans, safeguarding partnerships and reviews of serious cases.',
    threshold: THRESHOLD,
    rules: rules([
      ['child protection', 2.5], ['in need of protection', 2],
      ['safeguarding', 1.5], ['safeguarding adult*', -1.5], ['adult safeguarding', -1.5],
      ['safeguarding children', 1], ['safeguarding partnership*', 0.5], ['family safeguarding', 1],
      ['child sexual exploitation', 2.5], ['child criminal exploitation', 2.5],
      ['exploitation', 1], ['county lines', 1], ['trafficking', 1], ['modern slavery', 1],
      ['child abuse', 2], ['sexual abuse', 1], ['domestic abuse', 1], ['neglect', 1], ['significant harm', 2],
      ['at risk of harm', 1.5], ['safe from harm', 1], ['section 47', 2], ['strategy discussion*', 1],
      ['LADO', 2], ['serious case review*', 2.5], ['safeguarding practice review*', 2.5],
      ['child death*', 1.5], ['missing from home', 1.5], ['missing children', 1],
      ['female genital mutilation', 2], ['FGM', 2], ['radicalisation', 1.5], ['online safety', 1],
      ['harmful sexual behaviour*', 2], ['"MASH"', 2], ['multi agency safeguarding hub*', 2],
    ]),
  },
  {
    slug: 'children-looked-after',
    name: 'Children in care',
    description:
      "Children looked after by the council: their placements and children's homes, corporate parenting and the virtual school.",
    threshold: THRESHOLD,
    rules: rules([
      ['looked after', 2], ['well looked after', -0.5], ['"LAC"', 2], ['"CLA"', 2],
      ['children in care', 2.5], ['child in care', 2.5], ['children in our care', 2.5],
      ['corporate parent*', 2], ['placement*', 1], ['placement stability', 1],
      ['work placement*', -0.1], ['sufficiency', 0.5],
      ["children's home*", 1], ['residential care', 0.5],
      ['unaccompanied asylum seeking child*', 2], ['UASC', 2], ['virtual school*', 1.5],
      ['care experienced', 1], ['into care', 1], ['entering care', 1], ['exiting care', 1],
      ['care order*', 1.5], ['section 20', 1], ['independent reviewing officer*', 2], ['"IRO*"', 1.5],
      ['care population', 1],
    ]),
  },
  {
    slug: 'fostering-adoption',
    name: 'Fostering and adoption',
    description:
      'Foster carers, adoption, special guardianship and kinship care: finding and supporting families for children who cannot live at home.',
    threshold: THRESHOLD,
    rules: rules([
      ['foster*', 1], ['foster carer*', 1.5], ['foster care', 1.5], ['foster placement*', 1.5],
      ['fostering service*', 1.5],
      ['adoption*', 1], ['adoption of the', -0.5], ['adopter*', 2], ['adoptive', 2],
      ['adoption service*', 1.5], ['adoption support', 1], ['regional adoption agenc*', 2],
      ['placed for adoption', 1.5], ['adoption order*', 1.5],
      ['special guardianship', 2.5], ['SGO*', 2], ['kinship*', 2], ['connected person*', 1],
      ['family and friends care*', 2], ['permanence', 1],
    ]),
  },
  {
    slug: 'care-leavers',
    name: 'Care leavers',
    description:
      "Young people who have left the council's care: their housing, education, jobs and the council's local offer to them.",
    threshold: THRESHOLD,
    rules: rules([
      ['care leaver*', 2.5], ['care leaver service manager', -0.1], ['leaving care', 2],
      ['left care', 1], ['care experienced', 1], ['staying put', 1.5], ['staying close', 1.5],
      ['personal adviser*', 1.5], ['pathway plan*', 2],
    ]),
  },
  {
    slug: 'education',
    name: 'Schools and education',
    description:
      'Schools, colleges and learning: school places and admissions, attendance and exclusions, attainment, and education and training for young people.',
    threshold: THRESHOLD,
    rules: rules([
      ['school*', 1], ['education', 1], ['educational', 1],
      ['special educational need*', -0.1], ['education health and care plan*', -0.1],
      ['education, health and care plan*', -0.1], ['department for education', -0.1],
      ['pupil*', 1.5], ['teacher*', 1.5], ['headteacher*', 2], ['head teacher*', 2], ['deputy head*', 1],
      ['academ*', 1], ['governors', 0.5], ['attainment', 1.5], ['key stage*', 2], ['GCSE*', 2],
      ['"SATs"', 2], ['literacy', 1.5], ['numeracy', 1.5], ['phonics', 2], ['curriculum', 1.5], ['tuition', 1.5],
      ['exclusion*', 1], ['suspension*', 0.5], ['attendance', 0.5], ['persistent absence', 2],
      ['children missing education', 2], ['missing from education', 2], ['home educat*', 1.5],
      ['college*', 1], ['further education', 2], ['higher education', 1.5], ['universit*', 0.5],
      ['sixth form*', 2], ['post 16', 1.5], ['admissions', 1], ['apprenticeship*', 1],
      ['training provider*', 1], ['NEET', 1], ['EET', 0.5], ['outdoor education', 1],
      ['adult learning', 1], ['dedicated schools grant', 1], ['Ofsted', 0.5],
      ["children's wellbeing and schools bill", 1],
    ]),
  },
  {
    slug: 'send',
    name: 'Special educational needs and disabilities (SEND)',
    description:
      'Support for children and young people with special educational needs or disabilities: EHC plans, special schools, short breaks and the local offer.',
    threshold: THRESHOLD,
    rules: rules([
      ['"SEND"', 2.5], ['"SEN"', 2], ['special educational need*', 2.5],
      ['disabilit*', 1], ['disabled children', 1.5], ['disabled young people', 1.5],
      ['EHCP*', 2.5], ['EHC plan*', 2.5], ['EHC needs assessment*', 2.5],
      ['education health and care plan*', 2.5], ['education, health and care plan*', 2.5],
      ['educational psycholog*', 2], ['autis*', 2], ['ADHD', 2], ['neurodivers*', 1.5],
      ['special school*', 2.5], ['specialist provision', 1], ['alternative provision', 1],
      ['high needs', 1.5], ['safety valve', 1.5], ['short break*', 1.5], ['respite', 1],
      ['local offer', 1], ['local offer for care leavers', -1], ['SENCO*', 2],
      ['additional needs', 1], ['complex needs', 0.5], ['speech and language', 1.5],
      ['preparing for adulthood', 1.5],
    ]),
  },
  {
    slug: 'youth-justice',
    name: 'Youth justice',
    description:
      'Children in trouble with the law: the youth justice service, offending and reoffending, diversion from crime and custody.',
    threshold: THRESHOLD,
    rules: rules([
      ['youth justice', 3], ['youth offend*', 3], ['"YOT"', 2], ['"YJS"', 2], ['young offender*', 2],
      ['reoffend*', 1.5], ['re offend*', 1.5], ['first time entrant*', 2], ['referral order*', 2],
      ['youth court*', 2], ['remand', 1], ['custody', 0.5], ['youth diversion', 1], ['diversion', 0.5],
      ['knife crime', 2], ['knife', 1], ['knives', 1], ['gang*', 1], ['county lines', 1],
      ['serious violence', 1.5], ['violent offence*', 1], ['violence reduction', 1],
      ['anti social behaviour', 1], ['crime', 0.5], ['offending', 1], ['offence*', 0.5],
      ['reparation', 1], ['restorative justice', 1], ['police', 0.5], ['criminal justice', 1],
      ['community safety', 1],
    ]),
  },
  {
    slug: 'early-years-family-support',
    name: 'Early years and family support',
    description:
      "Early help for families before problems escalate: early years and childcare, family hubs and children's centres, parenting support and youth services.",
    threshold: THRESHOLD,
    rules: rules([
      ['early help', 2], ['early years', 2], ['early education', 1.5], ['early intervention', 1],
      ['family hub*', 2.5], ["children's centre*", 2.5], ['family centre*', 2],
      ['childcare', 1.5], ['nurser*', 1], ['funded hours', 1.5], ['under fives', 1.5],
      ['school readiness', 2], ['Start for Life', 2], ['Sure Start', 2], ['health visit*', 1],
      ['family support', 1.5], ['families first', 1.5], ['supporting families', 1.5],
      ['troubled families', 2], ['parenting', 1], ['corporate parenting', -0.1],
      ['youth service*', 1.5], ['youth work*', 1.5], ['youth club*', 1.5], ['youth centre*', 1.5],
      ['holiday activit*', 1],
    ]),
  },
  {
    slug: 'cost-of-living',
    name: 'Cost of living',
    description:
      'Help with household costs and hardship: the Household Support Fund, food and energy support, free school meals and welfare advice.',
    threshold: THRESHOLD,
    rules: rules([
      ['cost of living', 3], ['household support fund', 3], ['HSF', 2],
      ['crisis and resilience fund', 2.5], ['crisis support', 1.5], ['hardship', 1.5],
      ['poverty', 1.5], ['fuel poverty', 2.5], ['food insecurity', 2],
      ['food bank*', 2], ['foodbank*', 2], ['food voucher*', 1.5], ['vouchers', 0.5],
      ['energy bills', 2], ['energy costs', 1], ['warm spaces', 2], ['warm hubs', 2],
      ['free school meals', 1.5], ['holiday activities and food', 1.5], ['"HAF"', 1.5],
      ['welfare assistance', 2], ['local welfare', 1.5], ['debt advice', 1.5],
      ['financial inclusion', 2], ['universal credit', 1.5], ['benefits advice', 1.5],
      ['pension credit', 1.5], ['low income*', 1], ['council tax support', 1.5],
      ['council tax reduction', 1.5], ['discretionary housing payment*', 1.5],
    ]),
  },
  {
    slug: 'budget-finance',
    name: 'Budget and finance',
    description:
      "The council's money: budgets and spending, council tax, grants and funding, savings and overspends, and the medium-term financial plan.",
    threshold: THRESHOLD,
    rules: rules([
      ['budget*', 1.5], ['council tax', 2], ['medium term financial*', 3], ['MTFS', 3],
      ['capital programme', 2], ['revenue', 1], ['overspend*', 2], ['underspend*', 2],
      ['deficit', 1.5], ['reserves', 1], ['savings', 1], ['precept', 2], ['business rates', 2],
      ['treasury management', 3], ['statement of accounts', 3], ['section 151', 2],
      ['section 114', 3], ['fees and charges', 2], ['value for money', 1], ['procurement', 1],
      ['finance', 1], ['financial', 0.5], ['financial inclusion', -0.1],
      ['funding', 1], ['funds', 0.5], ['fund', 0.5], ['grant', 0.5], ['grants', 0.5],
      ['spending', 1], ['spending review', 1], ['cost*', 0.5], ['cost of living', -0.1],
      ['payment*', 0.5], ['means tested', 0.5], ['resourc*', 0.5], ['efficienc*', 0.5],
      ['investment*', 0.5], ['million', 0.5], ['billion', 0.5], ['funding gap', 1.5],
      ['dedicated schools grant', 2], ['high needs block', 1], ['schools block', 1],
    ]),
  },
  {
    slug: 'workforce',
    name: 'Council workforce',
    description:
      'The people who deliver council services: recruitment and retention, social workers and agency staff, pay, workloads and staff wellbeing.',
    threshold: THRESHOLD,
    rules: rules([
      ['workforce', 1.5], ['recruitment', 0.75], ['retention', 0.75], ['recruitment of foster carers', -0.25],
      ['international recruitment', 1], ['social worker*', 1], ['newly qualified', 1], ['ASYE', 2],
      ['staff*', 0.5], ['employee*', 1], ['personnel', 1], ['headcount', 1.5],
      ['vacanc*', 1], ['agency staff', 1.5], ['agency workers', 1.5], ['turnover', 1],
      ['caseload*', 1], ['workload*', 1], ['work life balance', 1], ['sickness absence', 2],
      ['pay award*', 2], ['pay and conditions', 2], ['industrial action', 2], ['trade union*', 1.5],
      ['human resources', 1.5], ['"HR"', 1], ['staff survey*', 1], ['exit survey*', 1],
      ['apprentice*', 0.5], ['career*', 0.5], ['staff wellbeing', 1], ['morale', 1],
    ]),
  },
  {
    slug: 'housing',
    name: 'Housing',
    description:
      'Homes and homelessness: affordable and social housing, temporary accommodation, tenants and landlords, and housing for people who need support.',
    threshold: THRESHOLD,
    rules: rules([
      ['housing', 1.5], ['affordable housing', 1.5], ['social housing', 1.5], ['council housing', 1.5],
      ['supported housing', 1], ['sheltered housing', 1], ['housing need*', 1], ['housing register', 1],
      ['housing revenue account', 1], ['housing association*', 1], ['allocations policy', 1],
      ['homeless*', 1.5], ['rough sleep*', 2.5], ['temporary accommodation', 2.5],
      ['accommodation', 0.5], ['tenant*', 1], ['tenanc*', 1], ['landlord*', 1],
      ['private rented', 2], ['rent arrears', 1.5], ['right to buy', 2],
      ['disrepair', 1.5], ['damp and mould', 2.5], ['new homes', 1.5], ['affordable', 0.5], ['affordable homes', 1], ['housebuilding', 1],
      ['house building', 1],
    ]),
  },
  {
    slug: 'health-wellbeing',
    name: 'Health and wellbeing',
    description:
      "Physical and mental health: public health, the NHS and integrated care boards, CAMHS and children's mental health, and health inequalities.",
    threshold: THRESHOLD,
    rules: rules([
      ['public health', 2.5], ['mental health', 1.5], ['health', 0.5], ['wellbeing', 0.5],
      ['emotional wellbeing', 1], ['health and wellbeing', 1.5], ['health and wellbeing board*', 1],
      ['health and care plan*', -0.1], ['chair* of the health scrutiny committee', -0.1],
      ['health scrutiny', 1], ['health services', 1], ['health inequalit*', 2],
      ['NHS', 1.5], ['integrated care', 1.5], ['"ICB*"', 2], ['clinical commissioning group*', 2],
      ['"CCG*"', 1.5], ['CAMHS', 2], ['hospital*', 1], ['"GP*"', 1], ['health visit*', 1],
      ['pharmac*', 1.5], ['dentist*', 1.5], ['dental', 1.5], ['maternity', 1.5],
      ['psycholog*', 0.5], ['therap*', 0.5], ['obesity', 2], ['healthy eating', 1],
      ['physical activity', 1], ['smoking', 1.5], ['vaccin*', 2], ['immunisation*', 2],
      ['sexual health', 2], ['substance misuse', 2], ['drug and alcohol', 2], ['alcohol', 1],
      ['suicide prevention', 2], ['self harm', 1.5], ['hospital discharge*', 1],
    ]),
  },
  {
    slug: 'local-government-reorganisation',
    name: 'Local government reorganisation',
    description:
      'Changes to how councils are organised: new unitary authorities, devolution, combined or strategic authorities and what they mean for services.',
    threshold: THRESHOLD,
    rules: rules([
      ['local government reorganisation', 3], ['local government reform', 3], ['LGR', 3],
      ['unitary', 1.5], ['reorganisation', 1], ['two tier', 1], ['devolution', 1.5],
      ['english devolution', 1], ['combined authorit*', 1.5], ['strategic authorit*', 1.5],
      ['mayoral', 1], ['shadow authorit*', 2], ['vesting day', 3],
    ]),
  },
  {
    slug: 'complaints-performance',
    name: 'Complaints and performance',
    description:
      'How well services are doing: performance reports and indicators, inspections, complaints and compliments, and Ombudsman findings.',
    threshold: THRESHOLD,
    rules: rules([
      ['complaint*', 1.5], ['compliments', 1], ['ombudsman', 2], ['LGSCO', 2],
      ['upheld', 1.5], ['maladministration', 2],
      ['performance', 0.5], ['performance report*', 2], ['performance indicator*', 2],
      ['key performance', 1], ['KPI*', 2], ['scorecard', 1.5], ['dashboard', 1],
      ['quartile', 1], ['statistical neighbour*', 1], ['benchmark*', 1], ['targets', 0.5],
      ['inspection*', 1], ['Ofsted', 1], ['"CQC"', 1], ['care quality commission', 1],
      ['requires improvement', 1.5], ['inadequate', 1],
      ['quality assurance', 1], ['improvement plan', 1],
    ]),
  },
  {
    slug: 'transport',
    name: 'Transport and highways',
    description:
      'Getting around: roads and highways maintenance, buses and rail, cycling and walking, parking, road safety and school transport.',
    threshold: THRESHOLD,
    rules: rules([
      ['transport', 1], ['public transport', 1.5], ['passenger transport', 1.5], ['school transport', 1.5],
      ['local transport plan', 2], ['travel', 0.5], ['travel assistance', 1], ['active travel', 1.5],
      ['highway*', 2], ['road', 0.5], ['roads', 0.5], ['road map', -0.5], ['road safety', 2],
      ['pothole*', 2], ['resurfacing', 2], ['carriageway*', 2], ['footway*', 1.5], ['pavement*', 1],
      ['gritting', 2], ['street light*', 1.5], ['streetlight*', 1.5], ['traffic', 1],
      ['speed limit*', 2], ['20mph', 2], ['20 mph', 2], ['congestion', 1], ['junction*', 1],
      ['roundabout*', 1.5], ['pedestrian*', 1], ['zebra crossing*', 2], ['rights of way', 1],
      ['parking', 1.5], ['car park*', 1.5],
      ['bus', 1], ['buses', 1], ['bus service*', 1.5], ['bus pass*', 1.5], ['bus lane*', 1.5],
      ['concessionary fare*', 2], ['bus route*', 1], ['bus operator*', 1], ['rail', 1], ['railway*', 1.5], ['train station*', 2],
      ['cycling', 1], ['cyclist*', 1.5], ['cycle lane*', 2], ['cycle route*', 2], ['cycle path*', 2],
      ['bike*', 0.5], ['electric vehicle*', 1], ['EV charging', 1.5],
    ]),
  },
  {
    slug: 'planning',
    name: 'Planning',
    description:
      'Planning applications and planning policy: new developments, the local plan, conservation areas and listed buildings, and planning enforcement.',
    threshold: THRESHOLD,
    rules: rules([
      ['planning application*', 3], ['planning permission', 3], ['planning committee', 2.5],
      ['planning inspectorate', 2], ['planning appeal*', 1.5], ['planning policy', 1.5], ['planning', 0.5],
      ['care planning', -0.5], ['financial planning', -0.5], ['workforce planning', -0.5],
      ['business planning', -0.5], ['service planning', -0.5], ['succession planning', -0.5],
      ['emergency planning', -0.5], ['transition planning', -0.5],
      ['development management', 2], ['development control', 2], ['local plan', 2],
      ['neighbourhood plan*', 2], ['change of use', 2], ['outline permission', 2.5],
      ['outline application', 2.5], ['reserved matters', 2.5], ['listed building*', 2],
      ['conservation area*', 2], ['section 106', 2], ['s106', 2], ['green belt', 2],
      ['permitted development', 2], ['enforcement notice*', 2], ['material consideration*', 2],
      ['housing land supply', 2], ['community infrastructure levy', 2], ['"CIL"', 1.5],
      ['developer contribution*', 1.5], ['site allocation*', 1.5], ['masterplan*', 1],
      ['design code*', 1], ['erection of', 1.5], ['demolition', 1], ['dwellings', 1],
      ['storey', 1], ['applicant*', 0.5], ['objector*', 1],
    ]),
  },
  {
    slug: 'environment',
    name: 'Environment and climate',
    description:
      'Climate change and the natural environment: net zero, waste and recycling, flooding, air quality, biodiversity and green spaces.',
    threshold: THRESHOLD,
    rules: rules([
      ['climate change', 2.5], ['climate emergency', 3], ['climate', 1], ['net zero', 2.5],
      ['carbon', 1], ['decarbonis*', 2], ['emission*', 1], ['renewable*', 1.5], ['solar', 1],
      ['energy efficien*', 1], ['retrofit*', 1], ['heat pump*', 1.5],
      ['waste', 1], ['recycl*', 1.5], ['landfill', 2], ['fly tipping', 2], ['litter*', 1],
      ['bin', 1], ['bins', 1], ['bin collection*', 1.5], ['refuse collection*', 2], ['street cleansing', 1.5],
      ['flood*', 1.5], ['drainage', 1], ['water quality', 1.5], ['river*', 0.5],
      ['air quality', 2], ['pollution', 1.5], ['noise', 0.5],
      ['biodiversity', 2.5], ['nature recovery', 2], ['ecology', 1.5], ['ecological', 1],
      ['wildlife', 1.5], ['tree*', 0.5], ['tree planting', 1.5], ['woodland*', 1.5],
      ['green space*', 1.5], ['green infrastructure', 1.5], ['parks', 0.5], ['countryside', 1],
      ['sustainab*', 0.5], ['environmental', 1], ['environment', 0.5],
      ['working environment', -0.5], ['learning environment', -0.5], ['home environment', -0.5],
      ['safe environment', -0.5],
    ]),
  },
  {
    slug: 'adult-social-care',
    name: 'Adult social care',
    description:
      'Care and support for adults: care homes and home care, unpaid carers, older people, adults with disabilities and safeguarding adults.',
    threshold: THRESHOLD,
    rules: rules([
      ['adult social care', 3], ['adult care', 2], ['adult services', 1.5],
      ['social care', 0.5], ["children's social care", -0.5], ['care act', 2],
      ['care home*', 2], ['nursing home*', 2], ['residential care', 0.5], ['home care', 1.5],
      ['domiciliary care', 2.5], ['supported living', 1.5], ['extra care', 1.5],
      ['day centre*', 1], ['day service*', 1], ['day opportunit*', 1.5],
      ['care package*', 1], ['direct payment*', 0.5], ['personal budget*', 0.5],
      ['care market', 1], ['fair cost of care', 2], ['care providers', 0.5], ['care workers', 1],
      ['unpaid carer*', 1.5], ["carer's assessment*", 1.5],
      ['older people', 1], ['older adults', 1], ['dementia', 1], ['frailty', 1], ['falls', 0.5],
      ['learning disabilit*', 1], ['adults with', 0.5],
      ['safeguarding adult*', 2], ['adult safeguarding', 2], ['deprivation of liberty', 2],
      ['DoLS', 2], ['liberty protection safeguards', 2], ['reablement', 2],
      ['hospital discharge*', 1.5], ['discharge', 0.5], ['better care fund', 2],
      ['occupational therap*', 1], ['assistive technology', 1], ['telecare', 1.5],
    ]),
  },
];
