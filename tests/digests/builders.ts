import type { MeetingView } from '../../src/meetings/queries.js';
import type { Block } from '../../src/meetings/schema.js';

/** Tiny builders for the digest's pure functions: a meeting as findMeetings gives it. */
type SectionView = MeetingView['sections'][number];

export function section(
  heading: string,
  options: { blocks?: Block[]; agenda?: Block[]; number?: string; matched?: boolean; level?: number; issueId?: string } = {},
): SectionView {
  return {
    heading,
    number: options.number ?? null,
    level: options.level ?? 1,
    blocks: options.blocks ?? [{ type: 'paragraph', text: `About ${heading}.` }],
    agenda: options.agenda ?? [],
    issueId: options.issueId ?? null,
    topics: [],
    matched: options.matched ?? false,
  };
}

export function meeting(overrides: Partial<MeetingView> = {}): MeetingView {
  return {
    id: 1,
    council: { slug: 'hertfordshire', name: 'Hertfordshire County Council' },
    committee: { slug: 'panel', name: "Children's Social Care Cabinet Panel" },
    title: "Children's Social Care Cabinet Panel, 10 September 2025",
    kind: 'meeting',
    status: 'held',
    startsAt: '2025-09-10T09:00:00.000Z',
    sources: {},
    summary: 'The panel considered four reports.\n\nMembers noted all four.',
    topics: [],
    matched: false,
    sections: [section('Workforce'), section('Household Support Fund 7'), section('Complaints')],
    attendees: [],
    documents: [],
    decisions: [],
    footnotes: [],
    published: { agenda: null, minutes: null, summary: { publishedAt: '2025-09-11T09:00:00.000Z', changedAt: '2025-09-11T09:00:00.000Z' } },
    ...overrides,
  };
}

export const catalogue = {
  councils: [{ slug: 'hertfordshire', name: 'Hertfordshire County Council', committees: [{ slug: 'panel', name: "Children's Social Care Cabinet Panel" }] }],
  topics: [{ slug: 'care-leavers', name: 'Care leavers' }],
};
