import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderAtom, type AtomInput } from '../../../src/http/partners/atom.js';
import type { AtomMeeting } from '../../../src/feeds/items.js';
import type { MeetingView } from '../../../src/meetings/queries.js';

function meeting(id: number, overrides: Partial<MeetingView> = {}): MeetingView {
  return {
    id,
    council: { slug: 'hertfordshire', name: 'Hertfordshire County Council' },
    committee: { slug: 'cabinet', name: 'Cabinet' },
    title: `Cabinet meeting ${id}`,
    kind: 'meeting',
    status: 'held',
    startsAt: '2025-07-15T09:00:00.000Z',
    sources: {},
    summary: 'First paragraph.\n\nSecond paragraph.',
    topics: ['care-leavers'],
    matched: false,
    sections: [
      { heading: 'Care Leavers', number: null, agenda: [], issueId: null, level: 1, blocks: [{ type: 'list', items: ['More apprenticeships', 'Housing support'] }], topics: ['care-leavers'], matched: true },
      { heading: 'Highways', number: null, agenda: [], issueId: null, level: 1, blocks: [{ type: 'paragraph', text: 'Potholes.' }], topics: ['transport'], matched: false },
    ],
    attendees: [],
    documents: [],
    decisions: [],
    footnotes: [],
    published: { agenda: null, minutes: null, summary: null },
    ...overrides,
  };
}

function entry(view: MeetingView, updatedAt = '2025-07-16T10:00:00.000Z'): AtomMeeting {
  return { meeting: view, updatedAt: new Date(updatedAt), headings: view.sections.filter((section) => section.matched).map((section) => section.heading) };
}

function render(entries: AtomMeeting[]) {
  const input: AtomInput = {
    feed: { publicId: '0b8f5a52-8d1f-4a57-9f62-1f7a0a0f2a11', name: 'Care leavers', partnerName: 'Herts Care Partnership', createdAt: new Date('2025-07-01T00:00:00Z') },
    entries,
    baseUrl: 'https://digest.example.org',
    selfUrl: 'https://digest.example.org/feeds/0b8f5a52-8d1f-4a57-9f62-1f7a0a0f2a11/secret.atom',
    zone: 'Europe/London',
  };
  const xml = renderAtom(input);
  const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['entry', 'link', 'category'].includes(name) }).parse(xml);
  return { xml, feed: parsed.feed };
}

describe('Atom rendering', () => {
  it('is an Atom feed with an id, title, updated time and author', () => {
    const { feed } = render([entry(meeting(1))]);
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('tag:digest.example.org,2025:feed/0b8f5a52-8d1f-4a57-9f62-1f7a0a0f2a11');
    expect(feed.title).toBe('Care leavers');
    expect(feed.author.name).toBe('Council Digest');
    expect(feed.link.find((link: Record<string, string>) => link['@_rel'] === 'self')['@_href']).toMatch(/\/secret\.atom$/);
  });

  it('gives each meeting a tag: id from its meeting id, the same on every render', () => {
    const first = render([entry(meeting(42))]).feed.entry[0];
    const again = render([entry(meeting(42, { title: 'Renamed on re-import' }), '2025-08-01T00:00:00.000Z')]).feed.entry[0];
    expect(first.id).toBe('tag:digest.example.org,2025:meeting/42');
    expect(again.id).toBe(first.id);
  });

  it("dates entries by when the stored meeting last changed, and the feed by its newest entry", () => {
    const { feed } = render([entry(meeting(1), '2025-07-16T10:00:00.000Z'), entry(meeting(2), '2025-07-18T08:30:00.000Z')]);
    expect(feed.entry.map((item: { updated: string }) => item.updated)).toEqual(['2025-07-16T10:00:00.000Z', '2025-07-18T08:30:00.000Z']);
    expect(feed.entry[0].published).toBe('2025-07-15T09:00:00.000Z');
    expect(feed.updated).toBe('2025-07-18T08:30:00.000Z');
  });

  it("shows a followed item with the council's number, its public papers under it, and a resolution's parts as a list", () => {
    const view = meeting(7, {
      sections: [{ heading: 'Care Leavers', number: '4.', agenda: [], issueId: null, level: 1, blocks: [{ type: 'paragraph', text: 'Members discussed the offer.' }], topics: ['care-leavers'], matched: true }],
      documents: [{ title: 'Local offer report', category: 'Additional Documents', url: 'https://democracy.example.gov.uk/mgConvert2PDF.aspx?ID=9', section: 'Care Leavers' }],
      decisions: [{ reference: null, decidedBy: null, decidedOn: null, status: 'made', title: 'Care Leavers', text: 'RESOLVED –\n\n- that the offer be agreed;\n- that it be reviewed in a year.', section: 'Care Leavers' }],
    });
    const content = render([entry(view)]).feed.entry[0].content['#text'] as string;
    expect(content).toContain('<h3>4. Care Leavers</h3><p>Members discussed the offer.</p><p>Papers:</p><ul><li><a href="https://democracy.example.gov.uk/mgConvert2PDF.aspx?ID=9">Local offer report</a></li></ul>');
    expect(content).toContain('<strong>Care Leavers</strong>: <p>RESOLVED –</p><ul><li>that the offer be agreed;</li><li>that it be reviewed in a year.</li></ul>');
  });

  it("dates an empty feed by its creation, so it does not change on every fetch", () => {
    expect(render([]).feed.updated).toBe('2025-07-01T00:00:00.000Z');
  });

  it("links to the council's page when there is one, else to the meeting in the API", () => {
    const { feed } = render([entry(meeting(1, { sources: { council: 'https://democracy.hertfordshire.gov.uk/meeting/1' } })), entry(meeting(2))]);
    expect(feed.entry[0].link[0]['@_href']).toBe('https://democracy.hertfordshire.gov.uk/meeting/1');
    expect(feed.entry[1].link[0]['@_href']).toBe('https://digest.example.org/api/meetings/2');
  });

  it('keeps meeting text as text: a <script> title reaches a reader escaped', () => {
    const { xml, feed } = render([
      entry(meeting(1, { title: '<script>alert(1)</script> ]]> Budget', summary: '<img src=x onerror=alert(1)>' })),
    ]);
    const [item] = feed.entry;
    expect(item.title['@_type']).toBe('html');
    expect(item.title['#text']).toBe('&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; Budget');
    expect(item.content['#text']).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(xml).not.toMatch(/<script|<img/);
  });

  it('carries the summary and only the matched sections in the content', () => {
    const content: string = render([entry(meeting(1))]).feed.entry[0].content['#text'];
    expect(content).toContain('<p>Hertfordshire County Council · Cabinet · Tuesday, 15 July 2025 at 10:00</p>');
    expect(content).toContain('<p>Second paragraph.</p>');
    expect(content).toContain('<h3>Care Leavers</h3><ul><li>More apprenticeships</li><li>Housing support</li></ul>');
    expect(content).not.toContain('Highways');
  });
});
