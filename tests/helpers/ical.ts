import ICAL from 'ical.js';

/** One VEVENT as a calendar app reads it: through ical.js, Mozilla's parser, not ours. */
export interface ParsedEvent {
  uid: string;
  summary: string;
  location: string | null;
  description: string;
  url: string | null;
  status: string | null;
  sequence: number;
  start: Date;
  end: Date;
  /** The TZID DTSTART was written with. */
  zone: string;
  lastModified: Date | null;
}

/** A feed parsed by ical.js, its VTIMEZONEs registered first so local times resolve as a calendar app resolves them. */
export function parseCalendar(feed: string): { name: string | null; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(feed));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    const modified = component.getFirstPropertyValue('last-modified');
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location ?? null,
      description: event.description,
      url: text(component, 'url'),
      status: text(component, 'status'),
      sequence: event.sequence,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      zone: event.startDate.zone?.tzid ?? '',
      lastModified: modified instanceof ICAL.Time ? modified.toJSDate() : null,
    };
  });
  return { name: text(calendar, 'x-wr-calname'), events };
}

function text(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  return value === null ? null : String(value);
}

/** The physical lines of a feed as sent: RFC 5545 ends each with CRLF and keeps each to 75 octets. */
export function physicalLines(feed: string): string[] {
  return feed.split('\r\n');
}
