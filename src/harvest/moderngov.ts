import { decodeHTML } from 'entities';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * ModernGov's web service answers (`mgWebService.asmx/GetCommittees`,
 * `GetMeetings`, `GetMeeting`) as plain records. Pure: no HTTP here (see
 * site.ts). The answers are bare XML with lower-case element names; real
 * sites differ in which elements they send, so every reader looks an element
 * up by name wherever it sits and treats a missing one as empty.
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
  title: string;
  url: string;
}

export interface MgAttendee {
  name: string;
  role: string;
  party: string;
  attendance: string;
}

export interface MgAgendaItem {
  number: string;
  title: string;
  restricted: boolean;
  decisionHtml: string;
  minutesHtml: string;
  documents: MgDocument[];
}

export interface MgMeeting {
  id: string;
  committeeId: string | null;
  committeeTitle: string;
  date: string;
  time: string;
  status: string;
  link: string | null;
  attendees: MgAttendee[];
  items: MgAgendaItem[];
  /** The meeting's own papers (agenda, reports pack, minutes), beside those of its items. */
  documents: MgDocument[];
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
        for (const one of Array.isArray(child) ? child : [child]) found.push(one && typeof one === 'object' ? (one as XmlNode) : { '#text': one });
      } else {
        visit(child);
      }
    }
  };
  visit(node);
  return found;
}

/** The text of a child element (or attribute) of `node`; '' when absent. */
function field(node: XmlNode, name: string): string {
  const value = node[name] ?? node[`@${name}`];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined || one === null) return '';
  if (typeof one === 'object') return String((one as XmlNode)['#text'] ?? '').trim();
  return String(one).trim();
}

/**
 * Names arrive escaped twice ("Children&amp;#39;s" in the XML, so
 * "Children&#39;s" once parsed): decode what is left, and fold white space.
 */
export function cleanText(value: string): string {
  let text = value;
  // At most a few rounds: a name that really contains "&amp;" stops changing.
  for (let round = 0; round < 3 && /&(#\d+|#x[\da-f]+|[a-z]+\d*);/i.test(text); round += 1) text = decodeHTML(text);
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

const isTrue = (value: string) => /^(true|1|yes)$/i.test(value.trim());

export function readCommittees(answer: XmlNode): MgCommittee[] {
  return all(answer, 'committee')
    .map((node) => ({
      id: field(node, 'committeeid'),
      title: cleanText(field(node, 'committeetitle') || field(node, 'committeename')),
      live: !isTrue(field(node, 'committeedeleted')) && !isTrue(field(node, 'committeeexpired')),
    }))
    .filter((committee) => committee.id && committee.title);
}

export function readMeetingStubs(answer: XmlNode): MgMeetingStub[] {
  return all(answer, 'meeting')
    .map((node) => ({ id: field(node, 'meetingid'), committeeId: field(node, 'committeeid') || null, date: field(node, 'meetingdate') }))
    .filter((stub) => stub.id && stub.date);
}

function readDocuments(node: XmlNode): MgDocument[] {
  return [...all(node, 'linkeddoc'), ...all(node, 'linkeddocument')]
    .map((doc) => ({ title: cleanText(field(doc, 'title') || field(doc, 'documenttitle')), url: field(doc, 'url') }))
    .filter((doc) => doc.url);
}

export function readMeeting(answer: XmlNode): MgMeeting {
  const [meeting] = all(answer, 'meeting');
  if (!meeting) throw new UnreadableAnswerError('the answer holds no <meeting>');
  const id = field(meeting, 'meetingid');
  const date = field(meeting, 'meetingdate');
  if (!id || !date) throw new UnreadableAnswerError('the meeting has no meetingid or meetingdate');
  const agenda = all(meeting, 'agenda')[0] ?? {};
  const items = all(agenda, 'agendaitem').map((item) => ({
    number: field(item, 'agendaitemnumber'),
    title: cleanText(field(item, 'agendaitemtitle')),
    restricted: isTrue(field(item, 'isrestricted')),
    decisionHtml: field(item, 'decisionnonemptyhtmlbody'),
    minutesHtml: field(item, 'minutesnonemptyhtmlbody'),
    documents: readDocuments(item),
  }));
  // The meeting's own papers: linked documents outside the agenda.
  const { agenda: _agenda, ...rest } = meeting;
  return {
    id,
    committeeId: field(meeting, 'committeeid') || null,
    committeeTitle: cleanText(field(meeting, 'committeetitle') || field(meeting, 'committeename')),
    date,
    time: field(meeting, 'meetingtime'),
    status: cleanText(field(meeting, 'meetingstatus')),
    link: field(meeting, 'linktomeeting') || field(meeting, 'meetinglink') || null,
    attendees: all(meeting, 'attendee')
      .map((person) => ({
        name: cleanText(field(person, 'name') || field(person, 'membername')),
        role: cleanText(field(person, 'role') || field(person, 'roledescription')),
        party: cleanText(field(person, 'party') || field(person, 'politicalparty')),
        attendance: cleanText(field(person, 'attendance')),
      }))
      .filter((person) => person.name),
    items,
    documents: readDocuments(rest),
  };
}
