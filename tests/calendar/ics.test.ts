import { describe, expect, it } from 'vitest';
import { writeCalendar, writeCalendarWhole, type CalendarMeeting } from '../../src/calendar/ics.js';
import { parseCalendar, physicalLines } from '../helpers/ical.js';

const options = { name: 'Hertfordshire County Council meetings', host: 'digest.example.org', zone: 'Europe/London' };

function meeting(overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  return {
    id: 41,
    council: 'Hertfordshire County Council',
    committee: 'Development Control Committee',
    status: 'scheduled',
    startsAt: new Date('2026-01-20T10:00:00Z'),
    endsAt: null,
    location: 'Council Chamber, County Hall, Hertford',
    councilUrl: 'https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001',
    sequence: 0,
    updatedAt: new Date('2026-01-05T09:30:00Z'),
    items: [
      { number: '1.', heading: 'Apologies' },
      { number: '3.', heading: 'Minerals and waste applications' },
    ],
    ...overrides,
  };
}

describe('an iCalendar feed of meetings', () => {
  it('holds one event per meeting, read back by ical.js with its UID, summary, place, agenda, link and stamps', () => {
    const feed = writeCalendar([meeting(), meeting({ id: 42, committee: 'Cabinet', startsAt: new Date('2026-01-21T14:00:00Z') })], options);
    const { name, events } = parseCalendar(feed);
    expect(name).toBe(options.name);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      uid: 'meeting-41@digest.example.org',
      summary: 'Development Control Committee, Hertfordshire County Council',
      location: 'Council Chamber, County Hall, Hertford',
      url: 'https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001',
      status: 'CONFIRMED',
      sequence: 0,
      lastModified: new Date('2026-01-05T09:30:00Z'),
    });
    expect(events[0]!.description).toBe(
      "Agenda:\n1. Apologies\n3. Minerals and waste applications\n\nThe council's page: https://democracy.hertfordshire.gov.uk/ieListDocuments.aspx?MId=9001",
    );
    expect(events[1]!.uid).toBe('meeting-42@digest.example.org');
  });

  it('ends a meeting two hours after its start unless it has a planned finish', () => {
    const [assumed, planned] = parseCalendar(
      writeCalendar([meeting(), meeting({ id: 2, endsAt: new Date('2026-01-20T16:30:00Z') })], options),
    ).events;
    expect(assumed!.end).toEqual(new Date('2026-01-20T12:00:00Z'));
    expect(planned!.end).toEqual(new Date('2026-01-20T16:30:00Z'));
  });

  it('writes winter (GMT) and summer (BST) meetings in Europe/London with its VTIMEZONE, both right in UTC once parsed', () => {
    const feed = writeCalendar(
      [meeting({ startsAt: new Date('2026-01-20T10:00:00Z') }), meeting({ id: 2, startsAt: new Date('2026-07-14T13:00:00Z') })],
      options,
    );
    expect(feed).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/London');
    expect(feed).toContain('DTSTART;TZID=Europe/London:20260120T100000');
    expect(feed).toContain('DTSTART;TZID=Europe/London:20260714T140000');
    expect(feed).toContain('DTSTAMP:20260105T093000Z');
    const [winter, summer] = parseCalendar(feed).events;
    expect(winter).toMatchObject({ zone: 'Europe/London', start: new Date('2026-01-20T10:00:00Z') });
    expect(summer).toMatchObject({ zone: 'Europe/London', start: new Date('2026-07-14T13:00:00Z'), end: new Date('2026-07-14T15:00:00Z') });
  });

  it('keeps a cancelled meeting in the feed as STATUS:CANCELLED with its sequence', () => {
    const [event] = parseCalendar(writeCalendar([meeting({ status: 'cancelled', sequence: 3 })], options)).events;
    expect(event).toMatchObject({ uid: 'meeting-41@digest.example.org', status: 'CANCELLED', sequence: 3 });
  });

  it('keeps a 200-character name holding CR/LF, commas and semicolons one escaped, folded property', () => {
    const committee = `Planning, Roads; and Transport\r\nPanel ${'é, ; x'.repeat(27)}`.slice(0, 200);
    const feed = writeCalendar([meeting({ committee })], options);
    const [event] = parseCalendar(feed).events;
    expect(event!.summary).toBe(`${committee.replace(/\r\n/g, '\n')}, Hertfordshire County Council`);
    const lines = physicalLines(feed);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const start = lines.findIndex((line) => line.startsWith('SUMMARY:'));
    const continued = lines.slice(start + 1).findIndex((line) => !line.startsWith(' '));
    expect(continued).toBeGreaterThan(2);
    const unfolded = [lines[start], ...lines.slice(start + 1, start + 1 + continued).map((line) => line.slice(1))].join('');
    expect(unfolded).toContain('SUMMARY:Planning\\, Roads\\; and Transport\\nPanel');
  });

  it("answers, from the events it keeps, byte for byte the calendar ical-generator writes in one go", () => {
    const varied = [
      meeting(),
      meeting({ id: 42, committee: 'Cabinet', startsAt: new Date('2026-07-01T13:00:00Z'), endsAt: new Date('2026-07-01T16:30:00Z'), sequence: 3 }),
      meeting({ id: 43, status: 'cancelled', location: null, councilUrl: null, items: [] }),
      meeting({ id: 44, committee: `Planning, Roads; and Transport\r\nPanel ${'é, ; x'.repeat(27)}`.slice(0, 200), items: [{ number: null, heading: '€ '.repeat(60) }] }),
    ];
    expect(writeCalendar([], options)).toBe(writeCalendarWhole([], options));
    expect(writeCalendar(varied, options)).toBe(writeCalendarWhole(varied, options));
    // Again, every event now kept; and a changed meeting is written afresh, not taken from what was kept.
    expect(writeCalendar(varied, options)).toBe(writeCalendarWhole(varied, options));
    const moved = [varied[0]!, { ...varied[1]!, startsAt: new Date('2026-07-02T09:00:00Z'), sequence: 4 }];
    expect(writeCalendar(moved, options)).toBe(writeCalendarWhole(moved, options));
    expect(writeCalendar(moved, { ...options, host: 'other.example.org' })).toContain('UID:meeting-41@other.example.org');
  });

  it('writes the same bytes for the same meetings, whenever it is asked', async () => {
    const first = writeCalendar([meeting()], options);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(writeCalendar([meeting()], options)).toBe(first);
  });
});
