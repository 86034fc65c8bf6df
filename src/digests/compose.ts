import type { Block } from '../meetings/schema.js';
import { blocksToText, textToBlocks } from '../meetings/text.js';
import { papersByItem, type MeetingView } from '../meetings/queries.js';
import { followItemPath, sectionFollowKey } from '../follows/item.js';
import { describeFilters, type FilterCatalogue, type FilterLine, type FilterSet } from '../subscribers/filters.js';
import { keyFigures, splitLabel, type KeyFigure } from './figures.js';
import { formOf, type Carried } from './late-news.js';
import { meetingDateLabel, shortDate, weekLabel, type Week } from './week.js';

/**
 * What a filter set gets for a week, as plain data: the same for every
 * subscriber who shares the filter set, so a run builds it once. Nothing here
 * is markup; the templates escape every string.
 */
export interface DigestContent {
  week: Week;
  weekLabel: string;
  subject: string;
  /** The line inboxes show after the subject. */
  preheader: string;
  meetings: DigestMeeting[];
  /** Meetings held before the week whose minutes, decisions or summary came (or changed substantially) in it. */
  sinceLastWeek: DigestMeeting[];
  comingUp: ComingUpMeeting[];
  /** Meetings of the week listing an item the recipient follows: first, under "Items you follow", and not again below. */
  yourMeetings: DigestMeeting[];
  /** Coming meetings listing an item they follow, with their date and the council's page (how to attend or speak): first too. */
  yourComingUp: ComingUpMeeting[];
  /** Each meeting the digest carries and in which form: recorded when it is sent (late-news.ts). */
  carried: Carried[];
  /** Meetings of the week and since last week: what the header counts. */
  meetingCount: number;
  /** Matching agenda items across all meetings. */
  sectionCount: number;
  /** The filter set in words: why a subscriber gets this. */
  followed: FilterLine[];
}

export interface DigestMeeting {
  /** Only when it says more than "<committee>, <date>". */
  title: string | null;
  council: string;
  committee: string;
  date: string;
  cancelled: boolean;
  /** The summary's first paragraph. */
  lead: string;
  sections: DigestSection[];
  decisions: DigestDecision[];
  figures: KeyFigure[];
  councilUrl: string | null;
  videoUrl: string | null;
  /** Agenda items this filter set (or the length cap) left out: "3 more items". */
  moreItems: number;
  /**
   * Held, its agenda on the council's site, no minutes or summary yet:
   * "agenda published; minutes to follow", its sections the agenda's items
   * with their agenda text (those that matched, when the filter set has
   * topics or keywords).
   */
  agendaOnly: boolean;
  /** Nothing read yet (no agenda, minutes or summary): said in words, never an empty card. */
  nothingYet: boolean;
}

export interface DigestSection {
  heading: string;
  /** The item's number as the council shows it ("4."). */
  number: string | null;
  /** The agenda item a sub-heading belongs to. */
  parent: string | null;
  blocks: DigestBlock[];
  /** Paragraphs left out of the email to keep it short. */
  morePara: number;
  /** The item's public papers, listed under it. */
  papers: Paper[];
  /** The item's part of its Follow link (follows/item.ts followItemPath); null for procedural items, which cannot be followed. */
  follow: string | null;
}

export interface Paper {
  title: string;
  url: string;
}

/** A paragraph (text) or a bullet list (items): templates test which one is set. */
export interface DigestBlock {
  text: string | null;
  items: ListItem[] | null;
}

/** A bullet with its lead-in ("Retention:") apart, so templates can set it in bold. */
export interface ListItem {
  label: string | null;
  text: string;
}

export interface DigestDecision {
  title: string | null;
  text: string;
  /** The text as whole paragraphs and the lists of a resolution's parts ("(a) that …; (b) that …"), as stored. */
  blocks: DigestBlock[];
  /** "Due to be decided" or "Follow-up" when not a decision made at the meeting. */
  label: string | null;
}

export interface ComingUpMeeting {
  title: string;
  committee: string;
  council: string;
  date: string;
  councilUrl: string | null;
  /** Its published agenda's items that the filter set matches (all of them when it names no topic or keyword): attend or write in. */
  items: ComingUpItem[];
  /** Matching items past the cap. */
  moreItems: number;
}

export interface ComingUpItem {
  heading: string;
  /** Its part of the Follow link, as DigestSection's. */
  follow: string | null;
}

/** Meetings listing items a recipient follows, those items alone flagged `matched` (WeekMeetings.followedBy). */
export interface FollowedMeetings {
  held: MeetingView[];
  upcoming: MeetingView[];
}

export interface ComposeInput {
  week: Week;
  zone: string;
  filters: FilterSet;
  catalogue: FilterCatalogue;
  /** The week's meetings as findMeetings selected them (sections flagged `matched`). */
  meetings: MeetingView[];
  /** Scheduled meetings in the fortnight after the week, same filters. */
  upcoming: MeetingView[];
  /** Late news, same filters, less what this recipient already has in that form. */
  late?: MeetingView[];
  /** Meetings of the week and of coming up listing what this recipient follows, whatever the filters. */
  followed?: FollowedMeetings;
}

/** Bounds that keep one email readable on a phone. */
export const limits = { sectionsPerMeeting: 8, paragraphsPerSection: 2, decisionsPerMeeting: 6, figuresPerMeeting: 6, papersPerItem: 5, comingUp: 8, comingUpItems: 5 };

const decisionLabels: Record<string, string | null> = { made: null, anticipated: 'Due to be decided', consequence: 'Follow-up' };

export function hasWideners(filters: FilterSet): boolean {
  return filters.topics.length > 0 || filters.keywords.length > 0;
}

/** How one meeting is composed: a run passes a memo of composeMeeting, so digests that select it alike share it. */
export type ComposeMeeting = (meeting: MeetingView, filtered: boolean, zone: string) => DigestMeeting;

/** The digest for one filter set and week, or null when the week has nothing for it. */
export function composeDigest(input: ComposeInput, compose: ComposeMeeting = composeMeeting): DigestContent | null {
  // What the recipient follows comes first and is not said twice.
  const yourHeld = (input.followed?.held ?? []).filter((meeting) => meeting.status !== 'scheduled');
  const yourUpcoming = (input.followed?.upcoming ?? []).filter((meeting) => meeting.status === 'scheduled');
  const yours = new Set([...yourHeld, ...yourUpcoming].map((meeting) => meeting.id));
  const held = input.meetings.filter((meeting) => meeting.status !== 'scheduled' && !yours.has(meeting.id));
  const lateViews = (input.late ?? []).filter((meeting) => meeting.status !== 'scheduled');
  const meetings = held.map((meeting) => compose(meeting, hasWideners(input.filters), input.zone));
  const sinceLastWeek = lateViews.map((meeting) => compose(meeting, hasWideners(input.filters), input.zone));
  const yourMeetings = yourHeld.map((meeting) => compose(meeting, true, input.zone));
  const yourComingUp = yourUpcoming.map((meeting) => comingUpOf(meeting, true, input.zone));
  if (meetings.length === 0 && sinceLastWeek.length === 0 && yourMeetings.length === 0 && yourComingUp.length === 0) return null;
  const comingUp = input.upcoming
    .filter((meeting) => meeting.status === 'scheduled' && !yours.has(meeting.id))
    .slice(0, limits.comingUp)
    .map((meeting) => comingUpOf(meeting, hasWideners(input.filters), input.zone));
  const lead = [...yourMeetings, ...meetings];
  return {
    week: input.week,
    weekLabel: weekLabel(input.week),
    subject: lead.length
      ? subjectLine(lead, [...yourHeld, ...held], input.zone)
      : sinceLastWeek.length
        ? `Since last week: ${subjectLine(sinceLastWeek, lateViews, input.zone)}`
        : comingUpSubject(yourComingUp[0]!),
    preheader: lead.length || sinceLastWeek.length ? preheader(lead.length ? lead : sinceLastWeek) : '',
    meetings,
    sinceLastWeek,
    comingUp,
    yourMeetings,
    yourComingUp,
    carried: [...yourHeld, ...held, ...lateViews].map(formOf),
    meetingCount: yourMeetings.length + meetings.length + sinceLastWeek.length,
    sectionCount: [...yourMeetings, ...meetings, ...sinceLastWeek].reduce((total, meeting) => total + meeting.sections.length, 0),
    followed: describeFilters(input.filters, input.catalogue),
  };
}

function comingUpOf(meeting: MeetingView, filtered: boolean, zone: string): ComingUpMeeting {
  return {
    title: meeting.title,
    committee: meeting.committee.name,
    council: meeting.council.name,
    date: meetingDateLabel(meeting.startsAt, zone),
    councilUrl: meeting.sources.council ?? null,
    ...agendaItems(meeting, filtered),
  };
}

/** A digest with nothing but a coming meeting that lists what the recipient follows. */
function comingUpSubject(meeting: ComingUpMeeting): string {
  return `Coming up: ${meeting.items.map((item) => bareHeading(item.heading)).join(', ')} (${meeting.committee}, ${meeting.date})`;
}

/** A section's part of its Follow link. */
function followOf(meeting: MeetingView, section: SectionView): string | null {
  const key = sectionFollowKey(section, meeting.council.slug);
  return key && followItemPath(meeting.id, key);
}

/**
 * The items of a coming meeting's published agenda a filter set follows: the
 * matching ones (any level) when it names topics or keywords, else every
 * agenda item. Nothing while the agenda is not out.
 */
export function agendaItems(meeting: MeetingView, filtered: boolean): { items: ComingUpItem[]; moreItems: number } {
  const chosen = filtered ? meeting.sections.filter((section) => section.matched) : meeting.sections.filter((section) => section.level === 1);
  const seen = new Set<string>();
  const items = chosen.filter((section) => !seen.has(section.heading) && seen.add(section.heading));
  return {
    items: items.slice(0, limits.comingUpItems).map((section) => ({ heading: section.heading, follow: followOf(meeting, section) })),
    moreItems: Math.max(0, items.length - limits.comingUpItems),
  };
}

type SectionView = MeetingView['sections'][number];

/**
 * Sections with something to say (text, or a decision of their own), each
 * with the agenda item it sits under. A heading said twice (a summary page's
 * section and the harvested agenda item of the same name) is shown once, the
 * first time.
 */
function itemsOf(meeting: MeetingView) {
  let parent: string | null = null;
  const decided = new Set(meeting.decisions.map((decision) => decision.section));
  const seen = new Set<string>();
  return meeting.sections.flatMap((section) => {
    if (section.level === 1) parent = section.heading;
    if (seen.has(section.heading)) return [];
    seen.add(section.heading);
    if (section.blocks.length === 0 && !decided.has(section.heading)) return [];
    return [{ ...section, parent: section.level === 2 ? parent : null }];
  });
}

export function composeMeeting(meeting: MeetingView, filtered: boolean, zone: string): DigestMeeting {
  const items = itemsOf(meeting);
  // A harvested meeting whose minutes are not out yet says what is on its agenda: its items and their agenda text.
  const agendaOnly = meeting.status === 'held' && !meeting.summary && items.length === 0 && meeting.sections.length > 0;
  const chosen: (SectionView & { parent: string | null })[] = agendaOnly
    ? (filtered ? meeting.sections.filter((section) => section.matched) : meeting.sections.filter((section) => section.level === 1)).map((section) => ({ ...section, blocks: section.agenda, parent: null }))
    : filtered
      ? items.filter((section) => section.matched)
      : items;
  const shown = chosen.slice(0, limits.sectionsPerMeeting);
  const shownHeadings = new Set(shown.map((section) => section.heading));
  // A decision that is all its section says (an item decided, no minutes yet) is not said twice.
  const shownText = new Map(shown.map((section) => [section.heading, blocksToText(section.blocks)]));
  const chosenDecisions = meeting.decisions
    .filter((decision) => !filtered || (decision.section !== null && shownHeadings.has(decision.section)))
    .filter((decision) => decision.section === null || shownText.get(decision.section) !== decision.text)
    .slice(0, limits.decisionsPerMeeting);
  const papers = papersByItem(meeting);
  // Key figures read what was said and what was decided, each section with its own decisions.
  const decidedIn = (heading: string | null) => meeting.decisions.filter((decision) => decision.section === heading).flatMap((decision) => pieces(textToBlocks(decision.text)));
  const figureSources = [...shown.map((section) => [...pieces(section.blocks), ...(agendaOnly ? [] : decidedIn(section.heading))]), decidedIn(null)];
  const lead = firstParagraph(meeting.summary);
  return {
    title: meeting.title.startsWith(meeting.committee.name) ? null : meeting.title,
    council: meeting.council.name,
    committee: meeting.committee.name,
    date: meetingDateLabel(meeting.startsAt, zone, meeting.kind === 'meeting'),
    cancelled: meeting.status === 'cancelled',
    lead,
    sections: shown.map((section) => ({
      heading: section.heading,
      number: section.number,
      parent: section.parent,
      ...keyPoints(section.blocks),
      papers: (papers.get(section.heading) ?? []).slice(0, limits.papersPerItem),
      follow: followOf(meeting, section),
    })),
    decisions: chosenDecisions.map((decision) => ({
      title: decision.title,
      text: decision.text,
      blocks: keyPoints(textToBlocks(decision.text), Infinity).blocks,
      label: decisionLabels[decision.status] ?? null,
    })),
    figures: agendaOnly ? [] : keyFigures(figureSources, limits.figuresPerMeeting),
    councilUrl: meeting.sources.council ?? null,
    videoUrl: meeting.sources.video ?? null,
    moreItems: (agendaOnly ? chosen.length : items.length) - shown.length,
    agendaOnly,
    nothingYet: !agendaOnly && meeting.status !== 'cancelled' && shown.length === 0 && chosenDecisions.length === 0 && !lead,
  };
}

function pieces(blocks: Block[]): string[] {
  return blocks.flatMap((block) => (block.type === 'list' ? block.items : [block.text]));
}

export function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/).map((part) => part.trim()).find(Boolean) ?? '';
}

/**
 * The key points of a section: every bullet list (with the line that
 * introduces it) and the opening paragraphs; the rest is counted, not shown.
 */
export function keyPoints(blocks: Block[], budget?: number): { blocks: DigestBlock[]; morePara: number } {
  const hasList = blocks.some((block) => block.type === 'list');
  const paragraphBudget = budget ?? (hasList ? 1 : limits.paragraphsPerSection);
  const kept: DigestBlock[] = [];
  let paragraphs = 0;
  let morePara = 0;
  blocks.forEach((block, index) => {
    if (block.type === 'list') {
      kept.push({ text: null, items: block.items.map(splitLabel) });
      return;
    }
    const introducesList = block.text.endsWith(':') && blocks[index + 1]?.type === 'list';
    if (introducesList || paragraphs < paragraphBudget) {
      kept.push({ text: block.text, items: null });
      if (!introducesList) paragraphs += 1;
    } else {
      morePara += 1;
    }
  });
  return { blocks: kept, morePara };
}

/** "5.2 Annual Valuing Foster Carers Dinner" → "Annual Valuing Foster Carers Dinner". */
function bareHeading(heading: string): string {
  return heading.replace(/^\d+(\.\d+)*\.?\s+/, '');
}

const subjectLimit = 110;

/**
 * A subject that says what is inside: the meeting (or how many), then the
 * agenda items that matched, as many as fit.
 */
export function subjectLine(meetings: DigestMeeting[], views: MeetingView[], zone: string): string {
  const held = views.filter((view) => view.status !== 'scheduled');
  const prefix =
    meetings.length === 1
      ? `${meetings[0]!.committee}, ${shortDate(held[0]!.startsAt, zone)}`
      : `${meetings.length} meetings`;
  const headings = [...new Set(meetings.flatMap((meeting) => meeting.sections.map((section) => bareHeading(section.heading))))];
  if (headings.length === 0) return prefix;
  const named: string[] = [];
  for (const heading of headings) {
    const rest = headings.length - named.length - 1;
    const candidate = `${prefix}: ${[...named, heading].join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
    if (named.length > 0 && candidate.length > subjectLimit) break;
    named.push(heading);
  }
  const rest = headings.length - named.length;
  const subject = `${prefix}: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  return subject.length > subjectLimit + 40 ? `${subject.slice(0, subjectLimit + 39).trimEnd()}…` : subject;
}

function preheader(meetings: DigestMeeting[]): string {
  const first = meetings[0]!;
  const figures = meetings.flatMap((meeting) => meeting.figures).slice(0, 3).map((figure) => figure.value);
  const text = [figures.length ? `Key figures: ${figures.join(', ')}.` : '', first.lead].filter(Boolean).join(' ');
  return text.length > 150 ? `${text.slice(0, 149).trimEnd()}…` : text;
}
