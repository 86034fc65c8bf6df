import { Feed } from 'feed';
import { escapeHtml, html, type SafeHtml } from '../html/html.js';
import type { Block } from '../../meetings/schema.js';
import { textToBlocks } from '../../meetings/text.js';
import type { AtomMeeting } from '../../feeds/items.js';
import { papersByItem } from '../../meetings/queries.js';

/**
 * A feed's Atom document. Ids are `tag:` URIs built from the host and the
 * meeting id, which re-imports keep, so readers never see an entry twice;
 * <updated> is when a part of the meeting was last published or changed
 * substantially (its minutes and decisions arriving move it; see
 * AtomMeeting.updatedAt). The `feed` package puts
 * titles and content in CDATA marked type="html", so every piece of meeting
 * text is HTML-escaped here first: it stays text in any reader.
 */

/** The year in every tag: URI. Fixed forever, or every id would change. */
const tagYear = 2025;

function meetingEntryId(host: string, meetingId: number): string {
  return `tag:${host},${tagYear}:meeting/${meetingId}`;
}

function blockHtml(block: Block): SafeHtml {
  return block.type === 'paragraph' ? html`<p>${block.text}</p>` : html`<ul>${block.items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

/** A decision of one paragraph as it is; one with a resolution's parts as its paragraphs and list. */
function decisionHtml(text: string): SafeHtml | string {
  const blocks = textToBlocks(text);
  return blocks.length === 1 && blocks[0]!.type === 'paragraph' ? blocks[0]!.text : html`${blocks.map(blockHtml)}`;
}

function entryHtml({ meeting, headings }: AtomMeeting, when: string): string {
  const wanted = new Set(headings);
  const paragraphs = meeting.summary.split(/\n\s*\n/).map((paragraph) => paragraph.trim()).filter(Boolean);
  // The decisions of the items the feed follows, and those of the meeting as a whole.
  const decisions = meeting.decisions.filter((decision) => decision.section === null || wanted.has(decision.section));
  const shown = new Set<string>();
  // Each item once (a summary page and the council's agenda may both name it), with its number, its text (or its agenda's) and its public papers.
  const sections = meeting.sections.filter((section) => wanted.has(section.heading) && !shown.has(section.heading) && shown.add(section.heading));
  const papers = papersByItem(meeting);
  return html`<p>${meeting.council.name} · ${meeting.committee.name} · ${when}</p>
${paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}
${sections.map(
  (section) => html`<h3>${section.number ? `${section.number} ` : ''}${section.heading}</h3>${(section.blocks.length ? section.blocks : section.agenda).map(blockHtml)}${
    papers.has(section.heading) && html`<p>Papers:</p><ul>${papers.get(section.heading)!.map((paper) => html`<li><a href="${paper.url}">${paper.title}</a></li>`)}</ul>`
  }`,
)}
${decisions.length > 0 && html`<h3>Decisions</h3><ul>${decisions.map((decision) => html`<li>${decision.title ? html`<strong>${decision.title}</strong>: ` : ''}${decisionHtml(decision.text)}</li>`)}</ul>`}`.value;
}

export interface AtomInput {
  feed: { publicId: string; name: string; partnerName: string; createdAt: Date };
  entries: AtomMeeting[];
  baseUrl: string;
  /** The URL the reader fetched (with its secret): the feed's rel="self". */
  selfUrl: string;
  /** The time zone meeting dates are written in (DIGEST_TZ). */
  zone: string;
}

export function renderAtom(input: AtomInput): string {
  const host = new URL(input.baseUrl).hostname;
  const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: input.zone });
  const newest = Math.max(input.feed.createdAt.getTime(), ...input.entries.map((entry) => entry.updatedAt.getTime()));
  const feed = new Feed({
    id: `tag:${host},${tagYear}:feed/${input.feed.publicId}`,
    title: input.feed.name,
    description: `Council meetings matching "${input.feed.name}", for ${input.feed.partnerName}`,
    link: input.baseUrl,
    feed: input.selfUrl,
    // Stable while nothing changes, so readers' conditional fetches stay cheap.
    updated: new Date(newest),
    author: { name: 'Council Digest' },
    generator: 'council-digest',
  });
  for (const entry of input.entries) {
    const { meeting } = entry;
    feed.addItem({
      id: meetingEntryId(host, meeting.id),
      title: escapeHtml(meeting.title),
      link: meeting.sources.council ?? `${input.baseUrl}/api/meetings/${meeting.id}`,
      date: entry.updatedAt,
      published: new Date(meeting.startsAt),
      content: entryHtml(entry, dateFormat.format(new Date(meeting.startsAt))),
      author: [{ name: meeting.council.name }],
      category: meeting.topics.map((topic) => ({ term: topic })),
    });
  }
  return feed.atom1();
}
