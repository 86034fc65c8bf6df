import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/meetings/errors.js';
import { detectFormat, parseText } from '../../../src/meetings/importers/detect.js';
import { parseMeetingPage } from '../../../src/meetings/importers/page-text.js';
import { parseExecutiveReport } from '../../../src/meetings/importers/report.js';
import { meetingSchema } from '../../../src/meetings/schema.js';
import { fixturePage, sharedSeedTexts } from '../../helpers/fixtures.js';
import { hostileBodies, hostileHeader, hostileSignature } from '../../helpers/hostile-text.js';

const PAGES = [fixturePage('june'), fixturePage('july'), fixturePage('september')];
const REPORT = fixturePage('report');
const COUNCIL_LINE = "You'll receive weekly summaries about X Council every week.";
const JUNK = String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 7919) % 65_000));

/** The ImportError `parse` throws for `text` (failing the test if it throws anything else, or nothing). */
const importError = (parse: (text: string) => unknown, text: string): ImportError => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
};

describe('detectFormat', () => {
  it('calls text starting with { or [ (after spaces) JSON', () => {
    expect(detectFormat('{"council": "X"}')).toBe('json');
    expect(detectFormat('\n  [ {} ]')).toBe('json');
  });

  it('recognises the Executive Member report by its PORTFOLIO line', () => {
    expect(detectFormat(REPORT)).toBe('report');
  });

  it('recognises a report by its numbered "1. Cabinet decisions" section alone', () => {
    expect(detectFormat('Intro\n\n1. Cabinet decisions since the last meeting\nA001/20 - X: Cabinet agreed.')).toBe('report');
  });

  it('takes everything else, including empty text, for a meeting page', () => {
    for (const page of PAGES) expect(detectFormat(page)).toBe('page');
    expect(detectFormat('')).toBe('page');
    expect(detectFormat('The report said 1. Cabinet decisions were made.')).toBe('page');
  });
});

describe('parseText', () => {
  it('sends meeting pages to the page parser', () => {
    const m = parseText(PAGES[0]!);
    expect(m).toMatchObject({ kind: 'meeting', committee: "Children's Social Care Cabinet Panel", startsAt: '2025-06-17T14:00:00.000+01:00' });
  });

  it('sends the report to the report parser, passing the options on', () => {
    const m = parseText(REPORT, { council: 'Hertfordshire CC', timeZone: 'UTC' });
    expect(m).toMatchObject({ kind: 'report', council: 'Hertfordshire CC', startsAt: '2018-03-01T00:00:00.000Z' });
  });

  it('leaves JSON to the caller with an ImportError', () => {
    expect(() => parseText('{"council": "X"}')).toThrow(ImportError);
    expect(() => parseText('{"council": "X"}')).toThrow(/JSON/);
  });
});

describe('both importers on hostile input', () => {
  // How their time grows with the size (linear, not quadratic) is measured by `npm run bench -- --importers`;
  // here each must end with a meeting or an ImportError, within the test's timeout, on a megabyte of each shape.
  it.each(hostileBodies(1024 * 1024))('handles a megabyte of %s, returning a meeting or throwing ImportError', (_, body) => {
    for (const [parse, text] of [
      [parseMeetingPage, hostileHeader + body],
      [parseExecutiveReport, `PORTFOLIO: X\n${body}${hostileSignature}`],
    ] as const) {
      let meeting: unknown;
      try {
        meeting = parse(text);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
        continue;
      }
      expect(meetingSchema.safeParse(meeting).success).toBe(true);
    }
  });
});

describe('parseMeetingPage on broken input', () => {
  const rejects = (text: string, message: RegExp) => expect(importError(parseMeetingPage, text).message).toMatch(message);

  it('rejects empty and whitespace-only text', () => {
    rejects('', /empty/);
    rejects(' \n\n\t ', /empty/);
  });
  it('names the line it expected when the council is missing', () => rejects('Summary\nSomething happened.', /You'll receive weekly summaries about/));
  it('rejects random characters', () => rejects(JUNK, /council/));
  it('says what date it expected when a page has no date', () => rejects(`${COUNCIL_LINE}\nSummary\nThe committee met.`, /meeting date: expected a title line/));
  it('rejects a page that is only chrome', () =>
    rejects(
      ['Subscribe to updates', COUNCIL_LINE, 'Chat with this meeting', 'Subscribe to chat', 'AI Generated', 'Attendees', 'Topics', 'No topics have been identified for this meeting yet.'].join('\n'),
      /meeting date/,
    ));
  it('says the committee is missing when only the date line gives the day', () =>
    rejects(`${COUNCIL_LINE}\nJune 17, 2025 View on council website Summary\nSomething was discussed.`, /committee/));
  it('rejects an unknown time zone', () =>
    expect(importError((t) => parseMeetingPage(t, { timeZone: 'Mars/Olympus' }), PAGES[0]!).message).toMatch(/time zone "Mars\/Olympus"/));
});

describe('parseExecutiveReport on broken input', () => {
  const rejects = (text: string, message: RegExp) => expect(importError(parseExecutiveReport, text).message).toMatch(message);

  it('rejects empty text', () => rejects('', /empty/));
  it('says it expected a closing month line when the date is missing', () =>
    rejects(REPORT.replace(/March 2018\s*$/, ''), /month line such as "March 2018"/));
  it('rejects random characters', () => rejects(JUNK, /report date/));
  it('rejects a dated text with neither a portfolio nor numbered sections', () => rejects('Some notes\nMarch 2018', /PORTFOLIO:/));
});

describe('the text importers whatever text they get', () => {
  // The source pages beside the repository, when there, add their lines to ours.
  const pageLines = [...PAGES, REPORT, ...sharedSeedTexts()].flatMap((text) => text.split('\n'));
  const line = fc.oneof(
    fc.constantFrom(...pageLines),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', '-', '•', 'Summary', 'Attendees', 'Meeting Documents', 'Agenda', 'Profile image for A B', '1. Cabinet decisions', '5.1 X', 'A1/1 - x: y', '[a](b)', 'x ↩'),
  );
  const framings: [string, (text: string) => unknown, (body: string) => string][] = [
    ['a bare page', parseMeetingPage, (body) => body],
    ['a titled page', parseMeetingPage, (body) => `${COUNCIL_LINE}\nA Panel - Tuesday, 17 June 2025 2.00 pm\nSummary\n${body}`],
    ['a report', parseExecutiveReport, (body) => `PORTFOLIO: X\n${body}\nA Person\nExecutive Member for X\nMay 2019`],
    ['either, by detection', parseText, (body) => body],
  ];

  it.each(framings)('returns a valid meeting or throws ImportError for junk in %s', (_, parse, frame) => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        try {
          meetingSchema.parse(parse(frame(lines.join('\n'))));
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
