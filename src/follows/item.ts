/**
 * An agenda item as a Follow link names it: pure. A link is the subscriber's
 * signed part (`subscribers/links.ts` `followBase`) and this item path, the
 * meeting and what following the item looks for; the follow page checks the
 * path against that meeting's agenda as it is now (`follow.ts`), so section
 * ids, which change on every re-store, are never in a link.
 */
import type { Block } from '../meetings/schema.js';
import { blocksToText } from '../meetings/text.js';
import { followKinds, type FollowKind } from '../db/schema/follows.js';
import { followKeyOf, normalisePhrase, planningReferences, type FollowKey, type MatchableItem } from './match.js';

/** A section as meeting views (meetings/queries.ts) hold it. */
export interface ViewSection {
  heading: string;
  agenda: readonly Block[];
  blocks: readonly Block[];
  issueId: string | null;
}

/** A view's section as matching reads it: its agenda text and minutes as text. */
export function matchableSection(section: ViewSection, council: string): MatchableItem {
  return { heading: section.heading, text: `${blocksToText(section.agenda)}\n${blocksToText(section.blocks)}`, issueId: section.issueId, council };
}

/** What following this section would look for; null for procedural items (no Follow link). */
export function sectionFollowKey(section: ViewSection, council: string): FollowKey | null {
  return followKeyOf(matchableSection(section, council));
}

/**
 * `<meeting id>/<kind>/<value>`, readable where it can be: a reference's
 * slashes and a phrase's spaces become hyphens (neither holds one), an
 * issue is percent-encoded.
 */
export function followItemPath(meetingId: number, key: FollowKey): string {
  const value = key.kind === 'reference' ? key.value.replaceAll('/', '-') : key.kind === 'phrase' ? key.value.replaceAll(' ', '-') : key.value;
  return `${meetingId}/${key.kind}/${encodeURIComponent(value)}`;
}

/** The key a link's (decoded) kind and value segments name, when it is one following an item could have made; otherwise null. */
export function readFollowKey(kind: string, segment: string): FollowKey | null {
  if (!(followKinds as readonly string[]).includes(kind) || segment.length > 250) return null;
  switch (kind as FollowKind) {
    case 'reference': {
      const value = segment.replaceAll('-', '/').toUpperCase();
      const [only, ...more] = planningReferences(value);
      return only === value && more.length === 0 ? { kind: 'reference', value } : null;
    }
    case 'phrase': {
      const value = segment.replaceAll('-', ' ');
      return normalisePhrase(value) === value && value.length <= 200 && value.split(' ').length >= 2 ? { kind: 'phrase', value } : null;
    }
    case 'issue':
      return /^[a-z0-9-]{1,100}:\S{1,40}$/.test(segment) ? { kind: 'issue', value: segment } : null;
  }
}
