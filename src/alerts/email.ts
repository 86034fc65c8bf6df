import { DateTime } from 'luxon';
import type { MailSettings } from '../digests/email.js';
import type { RenderedEmail, Templates } from '../mail/templates.js';
import type { Block } from '../meetings/schema.js';
import { mailtoWithToken, senderDomain, subscriberLinks, type LinkSubject } from '../subscribers/links.js';
import type { AlertItem, AlertRow } from './repo.js';

/**
 * One subscriber's alert mail: the meetings whose newly published agendas
 * list what they follow (or come from a committee they opted in to), each
 * with when and where, the matched items' agenda text and public papers, the
 * council's page and how to attend or speak where the site says; their
 * calendar link, and the manage and unsubscribe links. Pure: rows in, the
 * template's data out.
 */
export interface AlertEmail {
  subject: string;
  preheader: string;
  recipient: string;
  /** More than one meeting: the heading says "agendas". */
  several: boolean;
  meetings: AlertMeetingView[];
  links: { manage: string; unsubscribe: string; calendar: string; webcal: string; home: string };
}

export interface AlertMeetingView {
  committee: string;
  council: string;
  title: string | null;
  when: string;
  where: string | null;
  councilUrl: string | null;
  /** Why this meeting is in the mail: "You follow “…”" or "You asked for every agenda of …". */
  because: string;
  items: AlertItemView[];
  /** Items of a committee's agenda not shown (it shows the first `committeeItems`). */
  moreItems: number;
  /** How to attend or speak, as far as the council's site says. */
  attend: string;
}

export interface AlertItemView {
  number: string | null;
  heading: string;
  paragraphs: string[];
  papers: { title: string; url: string }[];
  /** The site says the public may speak on it. */
  speaking: boolean;
}

declare module '../mail/templates.js' {
  interface TemplateData {
    alert: AlertEmail;
  }
}

/** A committee's whole agenda is shown up to this many items. */
export const committeeItems = 8;
/** An item's agenda text is cut (between words) at about this many characters. */
const textLimit = 700;

/** Derived from (subscriber, day), never random: a resend after a crash carries the same id and mailbox providers fold the two. */
export function alertMessageId(publicId: string, day: string, mailFrom: string): string {
  return `<alert.${publicId}.${day}@${senderDomain(mailFrom)}>`;
}

/** The subscriber's links in an alert: preference centre, unsubscribe, their calendar feed (and its webcal:// twin). */
export function alertLinks(settings: MailSettings, subscriber: LinkSubject, now: Date): AlertEmail['links'] {
  const links = subscriberLinks(settings.baseUrl, settings.tokenSecret, subscriber, now);
  const calendar = links.calendar();
  return { manage: links.manage(), unsubscribe: links.unsubscribe(), calendar, webcal: calendar.replace(/^https?:/, 'webcal:'), home: settings.baseUrl };
}

/** The digests' list headers (RFC 2369, RFC 8058 one-click), with the alerts' own List-Id. */
export function alertHeaders(settings: MailSettings, links: AlertEmail['links']): Record<string, string> {
  const url = links.unsubscribe;
  return {
    'List-Unsubscribe': `<${url}>, <${mailtoWithToken(settings.mailFrom, url.slice(url.lastIndexOf('/') + 1))}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `Council Digest alerts <alerts.${senderDomain(settings.mailFrom)}>`,
  };
}

/**
 * The template's data for one mail. `matched` says, per meeting, which items
 * the subscriber's follows match now (followMatches at send time: a harvest
 * since the alert may have re-stored the items); without it, the items
 * matched when the alert was recorded, and failing those, the whole agenda.
 */
export function composeAlert(alerts: AlertRow[], options: { recipient: string; links: AlertEmail['links']; zone: string; matched: Map<number, Set<number>> }): AlertEmail {
  const meetings = alerts.map((alert) => meetingView(alert, options.zone, options.matched.get(alert.meeting.id)));
  const [first] = meetings;
  const subject =
    meetings.length === 1 && first
      ? `Agenda published: ${first.committee}, ${DateTime.fromJSDate(alerts[0]!.meeting.startsAt, { zone: options.zone }).toFormat('d LLLL')}`
      : `${meetings.length} new agendas list what you follow`;
  const preheader = meetings
    .map((meeting) => `${meeting.committee} on ${meeting.when}`)
    .join('; ')
    .slice(0, 150);
  return { subject, preheader, recipient: options.recipient, several: meetings.length > 1, meetings, links: options.links };
}

function meetingView(alert: AlertRow, zone: string, matchedNow: Set<number> | undefined): AlertMeetingView {
  const { meeting } = alert;
  const recorded = new Set(alert.sectionIds);
  const chosen =
    alert.reason === 'committee'
      ? alert.items
      : [matchedNow, recorded].map((ids) => alert.items.filter((item) => ids?.has(item.id))).find((items) => items.length > 0) ?? alert.items;
  const shown = alert.reason === 'committee' ? chosen.slice(0, committeeItems) : chosen;
  const items = shown.map(itemView);
  const start = DateTime.fromJSDate(meeting.startsAt, { zone });
  const speaking = items.filter((item) => item.speaking).length;
  return {
    committee: meeting.committee,
    council: meeting.council,
    title: meeting.title && !meeting.title.startsWith(meeting.committee) ? meeting.title : null,
    when: `${start.toFormat('cccc d LLLL yyyy')} at ${start.toFormat('h:mm a').toLowerCase()}`,
    where: meeting.location,
    councilUrl: meeting.councilUrl ?? meeting.councilWebsite,
    because:
      alert.reason === 'follow'
        ? `You follow ${alert.followed.map((label) => `“${label}”`).join(', ')}.`
        : `You asked for every new agenda of ${meeting.committee}.`,
    items,
    moreItems: chosen.length - shown.length,
    attend: attendNote(speaking, meeting.councilUrl ?? meeting.councilWebsite),
  };
}

function itemView(item: AlertItem): AlertItemView {
  return {
    number: item.number,
    heading: item.heading,
    paragraphs: clip((item.agenda as Block[]).map((block) => (block.type === 'paragraph' ? block.text : block.items.map((entry) => `- ${entry}`).join('\n')))),
    papers: item.papers,
    speaking: item.publicSpeaking === true,
  };
}

/** The agenda text's paragraphs, cut between words at about `textLimit` characters. */
function clip(paragraphs: string[]): string[] {
  const kept: string[] = [];
  let left = textLimit;
  for (const paragraph of paragraphs) {
    if (left <= 0) break;
    if (paragraph.length <= left) kept.push(paragraph);
    else kept.push(`${paragraph.slice(0, left).replace(/\s+\S*$/, '')} …`);
    left -= paragraph.length;
  }
  return kept;
}

/** What the site says about attending: the items the public may speak on, and where to register; otherwise the meeting's page. */
function attendNote(speaking: number, page: string | null): string {
  const where = page ? "the council's page for the meeting" : "the council's website";
  if (speaking > 0) {
    return `The council's site says the public may speak on ${speaking === 1 ? 'this item' : `${speaking} of these items`}. To register to speak, or to attend, follow ${where}: it says how and by when.`;
  }
  return `Council meetings are open to the public, apart from items taken in private. ${where[0]!.toUpperCase()}${where.slice(1)} says how to attend or watch.`;
}

export function renderAlert(templates: Templates, email: AlertEmail): RenderedEmail {
  return templates.render('alert', email);
}
