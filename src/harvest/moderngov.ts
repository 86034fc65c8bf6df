import { decodeHTML } from 'entities';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * ModernGov's web service answers (`mgWebService.asmx/GetCommittees`,
 * `GetMeetings`, `GetMeeting`) as plain records. Pure: no HTTP here (see
 * site.ts). The shape is the one real sites send (docs/harvest.md
 * lists every element, where it sits and what real answers put in it):
 * `<meeting>` at the root of GetMeeting, its items in
 * `agendaitems/agendaitem`, each item's papers in `linkeddocuments/linkeddoc`,
 * attendees as attributes of `attendees/attendee`. Elements the reader does
 * not know where it expects known ones are reported (`unknown`), never
 * silently passed over: a site whose answers change shape says so.
 */

export interface MgCommittee {
  id: string;
  title: string;
  /** Deleted or expired committees are not harvested. */
  live: boolean;
}

export interface MgMeetingStub {
  id: string;
  committeeId: string | null;
  /** dd/mm/yyyy as the site gives it. */
  date: string;
}

export interface MgDocument {
  /** `attachmentid`; '' when the site gives none. */
  id: string;
  title: string;
  url: string;
  /** `publicationdate`, dd/mm/yyyy; '' when absent. */
  publishedOn: string;
  /** Exempt or confidential: never stored, shown or linked. */
  restricted: boolean;
}

export interface MgAttendee {
  name: string;
  role: string;
  party: string;
  /** Present, Apologies, Absent, Expected, In attendance... as the site words it. */
  attendance: string;
}

export interface MgAgendaItem {
  id: string;
  /** `agendaitemnumber`: the site's own ordering; 0 is a heading ("Part I"), not an item. */
  number: string;
  /** `fulldisplaynumberformat`: the number as the council shows it ("4.", "12(a)"); '' when it shows none. */
  displayNumber: string;
  title: string;
  restricted: boolean;
  /** `isdecision`: the item is one where a decision is taken. */
  isDecision: boolean;
  /** `isminutepublished` / `isdecisionpublished`: the site says the item's minutes, or its decision, are out. */
  minutesPublished: boolean;
  decisionPublished: boolean;
  /** `agendatext`: the agenda's own words for the item, there before the meeting. HTML. */
  agendaHtml: string;
  minutesHtml: string;
  decisionHtml: string;
  documents: MgDocument[];
  /** `issueid`: the site's id for the matter, the same at each meeting that takes it up; '' when the site gives none. */
  issueId: string;
  /** `ispubliccanspeak`: the site says the public may (true) or may not (false) speak on the item; null when it does not say. */
  publicSpeaking: boolean | null;
}

export interface MgMeeting {
  id: string;
  /** Sparse and older answers name their committee; real GetMeeting answers do not (take it from the committee harvested). */
  committeeId: string | null;
  committeeTitle: string;
  date: string;
  time: string;
  status: string;
  location: string;
  /** `agendapublished`, `minutepublished`, `decisionpublished`: null when the site does not say. */
  agendaPublished: boolean | null;
  minutesPublished: boolean | null;
  decisionsPublished: boolean | null;
  link: string | null;
  attendees: MgAttendee[];
  items: MgAgendaItem[];
  /** Elements met where the reader expects ones it knows: `<parent>/<name>`, each once. */
  unknown: string[];
}

/** The site answered, but not with something we can read (an error page, broken XML). */
export class UnreadableAnswerError extends Error {
  override readonly name = 'UnreadableAnswerError';
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Everything stays text: ids like 0160 and dates are not numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** Parses one answer, refusing HTML error pages (some sites send them with status 200) and broken XML. */
export function parseAnswer(text: string): XmlNode {
  const start = text.trimStart().slice(0, 200).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) {
    throw new UnreadableAnswerError('the site answered with an HTML page, not the web service\'s XML');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new UnreadableAnswerError(`the answer is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  }
  const parsed = parser.parse(text) as XmlNode;
  if (!parsed || typeof parsed !== 'object' || Object.keys(parsed).filter((key) => !key.startsWith('?')).length === 0) {
    throw new UnreadableAnswerError('the answer is empty');
  }
  return parsed;
}

/** Every element called `name` below `node`, in document order, not looking inside the ones it finds. */
function all(node: unknown, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as XmlNode)) {
      if (key.startsWith('@')) continue;
      if (key === name) {
        for (const one of Array.isArray(child) ? child : [child]) found.push(asNode(one));
      } else {
        visit(child);
      }
    }
  };
  visit(node);
  return found;
}

const asNode = (value: unknown): XmlNode => (value && typeof value === 'object' ? (value as XmlNode) : { '#text': value });

/** The direct children called `name` of `node`. */
function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(asNode);
}

/** The text of a child element (or attribute) of `node`; '' when absent or only white space. */
function field(node: XmlNode, name: string): string {
  const value = node[name] ?? node[`@${name}`];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined || one === null) return '';
  if (typeof one === 'object') return String((one as XmlNode)['#text'] ?? '').trim();
  return String(one).trim();
}

/**
 * Names arrive escaped twice ("Children&amp;#39;s" in the XML, so
 * "Children&#39;s" once parsed): decode what is left, and fold white space
 * (titles may hold two spaces in a row).
 */
export function cleanText(value: string): string {
  let text = value;
  // At most a few rounds: a name that really contains "&amp;" stops changing.
  for (let round = 0; round < 3 && /&(#\d+|#x[\da-f]+|[a-z]+\d*);/i.test(text); round += 1) text = decodeHTML(text);
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

const isTrue = (value: string) => /^(true|1|yes)$/i.test(value.trim());
/** A flag the site may leave out: null when absent. */
const flag = (node: XmlNode, name: string): boolean | null => (field(node, name) === '' && node[name] === undefined ? null : isTrue(field(node, name)));

/**
 * The elements real answers put where the reader looks, whether it reads
 * them or passes over them on purpose. Anything else there is reported.
 */
const known = {
  meeting: new Set([
    'meetingid', 'meetingdate', 'meetingtime', 'meetingstatus', 'meetinglocation', 'meetingroom', 'isdisplayallowed',
    'meetingactualstarttime', 'meetingplannedfinishtime', 'meetingactualfinishtime', 'iswebcast', 'webcastlink', 'agendaid',
    'agendapublished', 'decisionpublished', 'minutepublished', 'isminutepublished', 'agendaitems', 'attendees',
    'committeeid', 'committeetitle', 'committeename', 'linktomeeting', 'meetinglink', 'meetingtype', 'meetingdescription',
  ]),
  agendaitem: new Set([
    'agendaitemid', 'agendaitemtitle', 'agendatext', 'actualmeetingdate', 'agendaitemnumber', 'agendaitemsubnumber',
    'fulldisplaynumberformat', 'authorusername', 'commentlabel1', 'commenttext1', 'commentlabel2', 'commenttext2',
    'commentlabel3', 'commenttext3', 'minutesnonemptyhtmlbody', 'decisionnonemptyhtmlbody', 'declarationcount', 'iscallin',
    'iscomment', 'isdecision', 'isdecisionpublished', 'isminutepublished', 'ispubliccanspeak', 'isrestricted',
    'isdisplayallowed', 'meetingdate', 'meetingtime', 'minutesitemnumber', 'minutesitemsubnumber', 'preferreddate',
    'refertocommittee', 'linkeddocuments', 'issueid', 'decisionpublished', 'isurgent', 'iskeydecision',
  ]),
  linkeddoc: new Set([
    'attachmentid', 'title', 'isurl', 'url', 'isrestricted', 'restrictionsref', 'itemnum', 'publicationdate', 'meetingdate',
    'decisiondate', 'committeetitle', 'isdecisionattachment', 'ownertitle',
  ]),
};

/** The element names under `node` that are not in `names` (attributes and text aside). */
function unknownIn(node: XmlNode, names: Set<string>, parent: string, into: Set<string>) {
  for (const key of Object.keys(node)) {
    if (key.startsWith('@') || key === '#text') continue;
    if (!names.has(key.toLowerCase())) into.add(`${parent}/${key}`);
  }
}

export function readCommittees(answer: XmlNode): MgCommittee[] {
  return all(answer, 'committee')
    .map((node) => ({
      id: field(node, 'committeeid'),
      title: cleanText(field(node, 'committeetitle') || field(node, 'committeename')),
      live: !isTrue(field(node, 'committeedeleted')) && !isTrue(field(node, 'committeeexpired')),
    }))
    .filter((committee) => committee.id && committee.title);
}

/** GetMeetings: `getmeetings/committee/committeemeetings/meeting` on real sites; a meeting with no id is passed over. */
export function readMeetingStubs(answer: XmlNode): MgMeetingStub[] {
  return all(answer, 'meeting')
    .map((node) => ({ id: field(node, 'meetingid'), committeeId: field(node, 'committeeid') || null, date: field(node, 'meetingdate') }))
    .filter((stub) => stub.id);
}

function readDocuments(item: XmlNode, unknown: Set<string>): MgDocument[] {
  return children(item, 'linkeddocuments')
    .flatMap((list) => children(list, 'linkeddoc'))
    .map((doc) => {
      unknownIn(doc, known.linkeddoc, 'linkeddoc', unknown);
      return {
        id: field(doc, 'attachmentid'),
        title: cleanText(field(doc, 'title')),
        url: field(doc, 'url'),
        publishedOn: field(doc, 'publicationdate'),
        restricted: isTrue(field(doc, 'isrestricted')),
      };
    })
    .filter((doc) => doc.url);
}

function readItem(item: XmlNode, unknown: Set<string>): MgAgendaItem {
  unknownIn(item, known.agendaitem, 'agendaitem', unknown);
  return {
    id: field(item, 'agendaitemid'),
    number: field(item, 'agendaitemnumber'),
    displayNumber: cleanText(field(item, 'fulldisplaynumberformat')),
    title: cleanText(field(item, 'agendaitemtitle')),
    restricted: isTrue(field(item, 'isrestricted')),
    isDecision: isTrue(field(item, 'isdecision')),
    minutesPublished: isTrue(field(item, 'isminutepublished')),
    decisionPublished: isTrue(field(item, 'isdecisionpublished')),
    agendaHtml: field(item, 'agendatext'),
    minutesHtml: field(item, 'minutesnonemptyhtmlbody'),
    decisionHtml: field(item, 'decisionnonemptyhtmlbody'),
    documents: readDocuments(item, unknown),
    // Sites without issue tracking answer 0 or leave it out.
    issueId: /^0*$/.test(field(item, 'issueid')) ? '' : field(item, 'issueid'),
    publicSpeaking: flag(item, 'ispubliccanspeak'),
  };
}

export function readMeeting(answer: XmlNode): MgMeeting {
  const [meeting] = all(answer, 'meeting');
  if (!meeting) throw new UnreadableAnswerError('the answer holds no <meeting>');
  const id = field(meeting, 'meetingid');
  if (!id) throw new UnreadableAnswerError('the meeting has no meetingid');
  const unknown = new Set<string>();
  unknownIn(meeting, known.meeting, 'meeting', unknown);
  const items = children(meeting, 'agendaitems')
    .flatMap((list) => children(list, 'agendaitem'))
    .map((item) => readItem(item, unknown));
  return {
    id,
    committeeId: field(meeting, 'committeeid') || null,
    committeeTitle: cleanText(field(meeting, 'committeetitle') || field(meeting, 'committeename')),
    date: field(meeting, 'meetingdate'),
    time: field(meeting, 'meetingtime'),
    status: cleanText(field(meeting, 'meetingstatus')),
    location: cleanText(field(meeting, 'meetinglocation')),
    agendaPublished: flag(meeting, 'agendapublished'),
    minutesPublished: flag(meeting, 'minutepublished') ?? flag(meeting, 'isminutepublished'),
    decisionsPublished: flag(meeting, 'decisionpublished'),
    link: field(meeting, 'linktomeeting') || field(meeting, 'meetinglink') || null,
    attendees: children(meeting, 'attendees')
      .flatMap((list) => children(list, 'attendee'))
      .map((person) => ({
        name: cleanText(field(person, 'name')),
        role: cleanText(field(person, 'roledescription') || field(person, 'role')),
        party: cleanText(field(person, 'politicalparty') || field(person, 'party')),
        attendance: cleanText(field(person, 'attendance')),
      }))
      .filter((person) => person.name),
    items,
    unknown: [...unknown],
  };
}
