import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { meetingSchema, type Meeting } from '../src/meetings/schema.js';
import { copiedSentences, ownProse } from './helpers/originality.js';

/**
 * The project's own seed records. Their facts come from the source texts in
 * /work/shared/seeds/ (not ours to copy); every summary and section text is
 * written in our own words, and the originality guard below checks that no
 * long sentence was lifted from the source.
 */

const meetingsDir = new URL('../seeds/meetings/', import.meta.url);
const councilsFile = new URL('../seeds/councils.json', import.meta.url);
const sharedDir = new URL('../../shared/seeds/', import.meta.url);
const sharedDirPath = fileURLToPath(sharedDir);

const CSC_PANEL = "Children's Social Care Cabinet Panel";

interface Expected {
  source: string;
  committee: string;
  kind: 'meeting' | 'report';
  startsAt: string;
  sections: number;
  subSections: number;
  documents: Partial<Record<'Agenda' | 'Reports Pack' | 'Additional Documents', number>>;
  decisions: number;
  footnotes: number;
  attendees: number;
}

const expected: Record<string, Expected> = {
  '2025-06-17-childrens-social-care-cabinet-panel.json': {
    source: 'meeting-2025-06-17-childrens-social-care.txt',
    committee: CSC_PANEL,
    kind: 'meeting',
    startsAt: '2025-06-17T14:00:00.000+01:00',
    sections: 2,
    subSections: 0,
    documents: {},
    decisions: 2,
    footnotes: 3,
    attendees: 12,
  },
  '2025-07-15-childrens-social-care-cabinet-panel.json': {
    source: 'meeting-2025-07-15-childrens-social-care.txt',
    committee: CSC_PANEL,
    kind: 'meeting',
    startsAt: '2025-07-15T10:00:00.000+01:00',
    sections: 7,
    subSections: 5,
    documents: { Agenda: 2, 'Reports Pack': 1, 'Additional Documents': 5 },
    decisions: 2,
    footnotes: 0,
    attendees: 11,
  },
  '2025-09-10-childrens-social-care-cabinet-panel.json': {
    source: 'meeting-2025-09-10-childrens-social-care.txt',
    committee: CSC_PANEL,
    kind: 'meeting',
    startsAt: '2025-09-10T10:00:00.000+01:00',
    sections: 4,
    subSections: 0,
    documents: {},
    decisions: 4,
    footnotes: 1,
    attendees: 7,
  },
  '2018-03-executive-member-report-childrens-services.json': {
    source: 'executive-member-report-2018-03-childrens-services.txt',
    committee: 'County Council',
    kind: 'report',
    startsAt: '2018-03-01T00:00:00.000+00:00',
    sections: 13,
    subSections: 7,
    documents: {},
    decisions: 3,
    footnotes: 0,
    attendees: 3,
  },
};

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8'));
}

function loadRaw(file: string): Record<string, unknown> {
  return readJson(new URL(file, meetingsDir)) as Record<string, unknown>;
}

function load(file: string): Meeting {
  return meetingSchema.parse(loadRaw(file));
}

describe('seeds/councils.json', () => {
  const councils = readJson(councilsFile) as { name: string; slug: string; aliases: string[]; website: string; source?: { kind: string; url: string; timeoutSeconds?: number } }[];

  it('lists Hertfordshire County Council with its slug, aliases, website and ModernGov site', () => {
    expect(councils).toContainEqual({
      name: 'Hertfordshire County Council',
      slug: 'hertfordshire',
      aliases: ['Hertfordshire Council', 'Herts County Council'],
      website: 'https://www.hertfordshire.gov.uk',
      source: { kind: 'moderngov', url: 'https://democracy.hertfordshire.gov.uk' },
    });
  });

  it("lists all eleven of Hertfordshire's councils, each with a ModernGov site over https", () => {
    expect(councils).toHaveLength(11);
    for (const council of councils) expect(council.source, council.name).toMatchObject({ kind: 'moderngov', url: expect.stringMatching(/^https:\/\/[a-z.-]+$/) });
    expect(councils.find((council) => council.slug === 'st-albans')!.source!.url).toBe('https://stalbans.moderngov.co.uk');
  });

  it('gives North Herts, a self-hosted site that can take a minute, a 60 s timeout and no other council one', () => {
    const timeouts = councils.filter((council) => council.source && 'timeoutSeconds' in council.source).map((council) => [council.slug, council.source!.timeoutSeconds]);
    expect(timeouts).toEqual([['north-herts', 60]]);
  });

  it('has a unique slug for every council', () => {
    const slugs = councils.map((c) => c.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it('names every council that a seed meeting refers to', () => {
    const names = new Set(councils.map((c) => c.name));
    for (const file of Object.keys(expected)) {
      expect(names, file).toContain(load(file).council);
    }
  });
});

describe('seeds/meetings', () => {
  it('holds exactly the four expected records, one JSON file each', () => {
    const files = readdirSync(meetingsDir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
  });
});

for (const [file, want] of Object.entries(expected)) {
  describe(`seeds/meetings/${file}`, () => {
    it('is one object valid under meetingSchema', () => {
      const raw = loadRaw(file);
      expect(Array.isArray(raw)).toBe(false);
      const result = meetingSchema.safeParse(raw);
      expect(result.error?.issues ?? []).toEqual([]);
    });

    it(`is a held ${want.kind} of Hertfordshire County Council filed under ${want.committee}`, () => {
      const meeting = load(file);
      expect(meeting.council).toBe('Hertfordshire County Council');
      expect(meeting.committee).toBe(want.committee);
      expect(meeting.kind).toBe(want.kind);
      expect(meeting.status).toBe('held');
    });

    it(`starts at ${want.startsAt}`, () => {
      expect(load(file).startsAt).toBe(want.startsAt);
    });

    it(`has ${want.sections} sections, ${want.subSections} of them sub-headings that follow an agenda item`, () => {
      const { sections } = load(file);
      expect(sections).toHaveLength(want.sections);
      expect(sections.filter((s) => s.level === 2)).toHaveLength(want.subSections);
      expect(sections[0]?.level).toBe(1);
      for (const section of sections) {
        expect(section.blocks.length > 0 || section.level === 1, section.heading).toBe(true);
      }
    });

    it('lists its documents under the expected categories', () => {
      const counts: Record<string, number> = {};
      for (const doc of load(file).documents) counts[doc.category] = (counts[doc.category] ?? 0) + 1;
      expect(counts).toEqual(want.documents);
    });

    it(`records ${want.decisions} decisions, each attached to one of its sections`, () => {
      const meeting = load(file);
      const headings = new Set(meeting.sections.map((s) => s.heading));
      expect(meeting.decisions).toHaveLength(want.decisions);
      for (const decision of meeting.decisions) {
        expect(headings, decision.text).toContain(decision.section);
      }
    });

    it(`has ${want.footnotes} footnote(s), numbered in order, each anchored on a word of the text`, () => {
      const meeting = load(file);
      expect(meeting.footnotes.map((f) => f.number)).toEqual(want.footnotes ? [...Array(want.footnotes).keys()].map((i) => i + 1) : []);
      const prose = ownProse(meeting).join('\n');
      for (const footnote of meeting.footnotes) {
        expect(prose, `footnote ${footnote.number}`).toContain(footnote.anchor);
      }
    });

    it(`names ${want.attendees} attendees, each once`, () => {
      const names = load(file).attendees.map((a) => a.name);
      expect(names).toHaveLength(want.attendees);
      expect(new Set(names).size).toBe(names.length);
    });

    it('leaves topics to the tagger and sets no source URLs', () => {
      const raw = loadRaw(file);
      expect(raw).not.toHaveProperty('topics');
      expect(raw).not.toHaveProperty('sources');
      for (const section of raw.sections as Record<string, unknown>[]) {
        expect(section).not.toHaveProperty('topics');
      }
    });

    it.runIf(existsSync(sharedDirPath))(
      `copies no sentence of 12 or more words from ${want.source} (runs only when /work/shared/seeds is present)`,
      () => {
        const source = readFileSync(new URL(want.source, sharedDir), 'utf8');
        expect(copiedSentences(ownProse(load(file)), source)).toEqual([]);
      },
    );
  });
}
