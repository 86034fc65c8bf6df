import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';

/** What one event is made of: a stored meeting with its council, committee and agenda items. */
export interface CalendarMeeting {
  id: number;
  council: string;
  committee: string;
  status: 'scheduled' | 'held' | 'cancelled';
  startsAt: Date;
  endsAt: Date | null;
  location: string | null;
  /** The council's own page for the meeting. */
  councilUrl: string | null;
  sequence: number;
  updatedAt: Date;
  /** The agenda items (level 1 sections) in order: the council's number and the heading. */
  items: { number: string | null; heading: string }[];
}

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

/**
 * An iCalendar feed (RFC 5545) of meetings: one VEVENT each, written in
 * `zone` with its VTIMEZONE. A published feed, so METHOD:PUBLISH and DTSTAMP
 * is the meeting's last change (RFC 5545 3.8.7.2): the same meetings give the
 * same bytes, which is what the feeds' ETag relies on.
 */
export function writeCalendar(meetings: CalendarMeeting[], options: CalendarOptions): string {
  const calendar = ical({
    name: options.name,
    prodId: { company: 'council-digest', product: 'meetings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: that would write DTSTAMP and LAST-MODIFIED as floating times. Each event names its zone,
    // and the generator writes the VTIMEZONE of every zone the events use.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const meeting of meetings) {
    calendar.createEvent({
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
  return calendar.toString();
}
