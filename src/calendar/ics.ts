import { createHash } from 'node:crypto';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { foldLines, ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import type { MeetingHead } from '../meetings/queries.js';

/** What one event is made of: a stored meeting's head (meetings/queries.ts) and its agenda items. */
export type CalendarMeeting = Pick<MeetingHead, 'id' | 'council' | 'committee' | 'status' | 'startsAt' | 'endsAt' | 'location' | 'councilUrl' | 'sequence' | 'updatedAt'> & {
  /** The agenda items (level 1 sections) in order: the council's number and the heading. */
  items: { number: string | null; heading: string }[];
};

export interface CalendarOptions {
  /** What a calendar app shows as the calendar's name. */
  name: string;
  /** The host of PUBLIC_BASE_URL: every UID ends `@<host>`, so UIDs are ours alone. */
  host: string;
  /** The IANA zone events are written in, with its VTIMEZONE (Europe/London). */
  zone: string;
}

/** A meeting with no planned finish is shown as two hours long. */
export const assumedLengthMs = 2 * 60 * 60 * 1000;

/** The UID of a meeting's event: the same for as long as the meeting is stored, so calendars update it in place. */
export function meetingUid(id: number, host: string): string {
  return `meeting-${id}@${host}`;
}

/** The DESCRIPTION: the agenda items, one a line as the council numbers them, then the council's page. */
export function eventDescription(meeting: Pick<CalendarMeeting, 'items' | 'councilUrl'>): string {
  const items = meeting.items.map((item) => (item.number ? `${item.number} ${item.heading}` : item.heading));
  return [
    ...(items.length ? ['Agenda:', ...items] : ['The agenda is not published yet.']),
    ...(meeting.councilUrl ? ['', `The council's page: ${meeting.councilUrl}`] : []),
  ].join('\n');
}

function newCalendar(name: string | null): ICalCalendar {
  return ical({
    name,
    prodId: { company: 'council-digest', product: 'meetings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: that would write DTSTAMP and LAST-MODIFIED as floating times. Each event names its zone,
    // and the generator writes the VTIMEZONE of every zone the events use.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
}

function addEvent(calendar: ICalCalendar, meeting: CalendarMeeting, options: Omit<CalendarOptions, 'name'>) {
  return calendar.createEvent({
    id: meetingUid(meeting.id, options.host),
    timezone: options.zone,
    // Luxon times: ical-generator turns a plain Date into the process's local time, not the event's zone.
    start: DateTime.fromJSDate(meeting.startsAt),
    end: DateTime.fromJSDate(meeting.endsAt ?? new Date(meeting.startsAt.getTime() + assumedLengthMs)),
    summary: `${meeting.committee}, ${meeting.council}`,
    location: meeting.location,
    description: eventDescription(meeting),
    url: meeting.councilUrl,
    stamp: meeting.updatedAt,
    lastModified: meeting.updatedAt,
    sequence: meeting.sequence,
    status: meeting.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
}

/**
 * The calendar as ical-generator writes it in one go: what `writeCalendar`
 * answers, byte for byte (the tests hold them equal), at about a
 * millisecond an event.
 */
export function writeCalendarWhole(meetings: CalendarMeeting[], options: CalendarOptions): string {
  const calendar = newCalendar(options.name);
  for (const meeting of meetings) addEvent(calendar, meeting, options);
  return calendar.toString();
}

/**
 * Each event's folded text, by a hash of everything it is written from:
 * events are shared by every feed that holds the meeting (a council's, its
 * committee's, each subscriber's), and a changed meeting is a new key. 16 MB
 * holds the events of some 10,000 meetings.
 */
const eventTexts = new LRUCache<string, string>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (text, key) => text.length + key.length });
const zoneTexts = new Map<string, string>();

function eventText(meeting: CalendarMeeting, options: Omit<CalendarOptions, 'name'>): string {
  const key = createHash('sha256').update(JSON.stringify([options.host, options.zone, meeting])).digest('base64url');
  let text = eventTexts.get(key);
  if (text === undefined) {
    // event.toString() is the event's lines unfolded, each ending CRLF; folding works line by line.
    text = foldLines(addEvent(newCalendar(null), meeting, options).toString());
    eventTexts.set(key, text);
  }
  return text;
}

/** The zone's VTIMEZONE as ical-generator puts it in a calendar (line ends made CRLF, trimmed), folded. */
function zoneText(zone: string): string {
  let text = zoneTexts.get(zone);
  if (text === undefined) {
    const component = getVtimezoneComponent(zone);
    text = component ? foldLines(`${component.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n').trim()}\r\n`) : '';
    zoneTexts.set(zone, text);
  }
  return text;
}

const calendarEnd = 'END:VCALENDAR';

/**
 * An iCalendar feed (RFC 5545) of meetings: one VEVENT each, written in
 * `zone` with its VTIMEZONE. A published feed, so METHOD:PUBLISH and DTSTAMP
 * is the meeting's last change (RFC 5545 3.8.7.2): the same meetings give the
 * same bytes, which is what the feeds' ETag relies on.
 *
 * ical-generator 10 folds a whole calendar a character at a time (a
 * TextEncoder for each; 11 fixes it, but needs Node 22), about a
 * millisecond an event. Folding is line by line, so the same bytes come
 * from its calendar without events (the header), the zone's VTIMEZONE and
 * each event written and folded by ical-generator once and kept: the
 * calendar ical-generator would write, in its order (`writeCalendarWhole`).
 */
export function writeCalendar(meetings: CalendarMeeting[], options: CalendarOptions): string {
  const shell = newCalendar(options.name).toString();
  if (meetings.length === 0) return shell;
  if (!shell.endsWith(calendarEnd)) throw new Error('ical-generator wrote a calendar that does not end END:VCALENDAR');
  let body = shell.slice(0, -calendarEnd.length) + zoneText(options.zone);
  for (const meeting of meetings) body += eventText(meeting, options);
  return body + calendarEnd;
}
