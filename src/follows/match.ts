/**
 * What a follow looks for, and whether an agenda item is it. Pure: no
 * database, no clock. A follow is made from the item a subscriber clicked
 * (`followKeyOf`) and matched against later items (`itemMatches`).
 *
 * Strongest first:
 * 1. a planning application reference in the item's title or agenda text
 *    ("25/00912/FULM", "PL/2025/0123/FUL", "3/25/1234/FUL");
 * 2. the council site's issue id (ModernGov's `issueid`), where it gives one;
 * 3. the item's title with its numbering and filler stripped: a later item
 *    matches when its title holds that phrase as whole words.
 */
import type { FollowKind } from '../db/schema/follows.js';

export interface FollowKey {
  kind: FollowKind;
  value: string;
}

/** An agenda item as matching reads it. */
export interface MatchableItem {
  heading: string;
  /** The item's agenda text and minutes, as plain text. */
  text: string;
  /** The council site's issue id, when it gives one. */
  issueId?: string | null;
  /** The council's slug: issue ids are the council's own. */
  council: string;
}

// A reference is 3 or 4 parts joined by "/", each 1–6 letters or digits, at least two of them numbers.
// Bounded repetition, no nested quantifiers: linear on any input.
const referencePattern = /(?<![A-Za-z0-9/])[A-Za-z0-9]{1,6}(?:\/[A-Za-z0-9]{1,6}){2,3}(?![A-Za-z0-9/])/g;

/**
 * The planning application references in a text, upper-cased, first seen
 * first. Dates (17/06/2025), fractions and paths are not references: a
 * reference has a part of three or more digits that is not a year of a date,
 * and not every part is a number unless the middle one cannot be a month.
 */
export function planningReferences(text: string): string[] {
  const found: string[] = [];
  for (const [candidate] of text.matchAll(referencePattern)) {
    const reference = candidate.toUpperCase();
    if (isReference(reference) && !found.includes(reference)) found.push(reference);
  }
  return found;
}

function isReference(reference: string): boolean {
  const parts = reference.split('/');
  const numbers = parts.filter((part) => /^\d+$/.test(part));
  const letters = parts.filter((part) => /^[A-Z]+$/.test(part));
  // Mixed parts ("2025A") are in no council's scheme we know; such a string is something else.
  if (numbers.length + letters.length !== parts.length || numbers.length < 2) return false;
  // The application's serial number has three digits or more ("00912", "0123", "1234"). With a letter
  // part ("FUL") nothing else has this shape; all in numbers, the serial is not a year and the whole is no date.
  if (letters.length > 0) return numbers.some((part) => part.length >= 3);
  return numbers.some((part) => part.length >= 3 && !isYear(part)) && !looksLikeDate(parts);
}

const isYear = (part: string) => part.length === 4 && /^(19|20)\d\d$/.test(part);

/** d/m/y, d/m/yy, y/m/d: what a date written with slashes looks like. */
function looksLikeDate(parts: string[]): boolean {
  if (parts.length !== 3) return false;
  const [a, b, c] = parts.map(Number) as [number, number, number];
  const [, , cText] = parts as [string, string, string];
  const dayMonthYear = a >= 1 && a <= 31 && b >= 1 && b <= 12 && (cText.length === 2 || cText.length === 4);
  const yearMonthDay = parts[0]!.length === 4 && b >= 1 && b <= 12 && c >= 1 && c <= 31;
  return dayMonthYear || yearMonthDay;
}

// Numbering a council puts before a title: "4.", "12(a)", "Item 5:", "A1 -", "(iii)".
const numbering = /^\s*(?:item\s+)?(?:\(?[0-9]{1,3}[a-z]?\)?(?:[.:)]|\s*\([a-z0-9]{1,4}\))?|\(?[ivxlc]{1,6}[.)]|[a-z][0-9]{1,2}[.:)]?)\s*[-–—:.]?\s+/i;
// Words that introduce an item without naming its matter.
const fillers = [
  /^(?:to\s+(?:consider|receive|note|approve|agree|determine)\s+(?:the\s+)?)/i,
  /^(?:(?:a\s+)?report\s+(?:of|from|by)\s+the\s+[a-z ,&-]{1,80}?\s+(?:on|regarding|concerning|about)\s+)/i,
  /^(?:(?:a\s+|the\s+)?(?:report|update|presentation)\s+(?:on|regarding|concerning|about)\s+)/i,
  /^(?:planning\s+application\s*[-–—:]\s*)/i,
];
// Pages, papers and status marks after a title: "(Pages 5 - 20)", "- report to follow", "[Key decision]".
const trailers = /\s*(?:\((?:pages?\s[^)]{0,20}|to follow|key decision|exempt|part ii)\)|\[[^\]]{0,40}\]|[-–—]\s*(?:report\s+)?to\s+follow)\s*$/i;
/**
 * Items every meeting has: following them would follow every meeting. Their
 * phrase is not a matter, so they have no follow key of their own.
 */
const procedural =
  /^(?:apologies(?:\s+for\s+absence)?(?:\s+and\s+substitutions?)?|substitutions?|declarations?\s+of\s+(?:interests?|pecuniary.*)|(?:confirmation\s+of\s+(?:the\s+)?)?minutes(?:\s+of\s+(?:the\s+)?(?:previous|last)\s+meeting)?|chair(?:man|'s)?(?:'s)?\s+announcements?|announcements|public\s+(?:questions|participation|speaking)|questions?\s+from\s+(?:members|the\s+public)|petitions?|urgent\s+business|any\s+other\s+(?:urgent\s+)?business|exclusion\s+of\s+(?:the\s+)?press\s+and\s+public|date\s+of\s+(?:the\s+)?next\s+meeting|work\s*programme|forward\s+plan|welcome(?:\s+and\s+introductions)?|election\s+of\s+(?:a\s+)?(?:vice[-\s])?chair(?:man)?)$/i;

/** Lower case, punctuation to spaces, one space between words. */
export function normalisePhrase(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The phrase a later title must hold to be the same matter: the title with
 * numbering, introductory filler and page marks stripped, normalised. Null
 * for procedural items and for a single word, too broad to name a matter.
 */
export function followPhrase(title: string): string | null {
  let text = title.slice(0, 500);
  for (let round = 0; round < 3; round += 1) {
    const before = text;
    text = text.replace(numbering, '').replace(trailers, '');
    for (const filler of fillers) text = text.replace(filler, '');
    if (text === before) break;
  }
  const phrase = normalisePhrase(text).replace(/^(?:the|a|an) /, '');
  // One word ("Budget", "Stevenage") would follow every item that mentions it.
  if (procedural.test(phrase) || phrase.split(' ').length < 2) return null;
  // At most 200 characters, cut between words: a phrase is matched as whole words.
  return phrase.length <= 200 ? phrase : phrase.slice(0, 201).replace(/ \S*$/, '');
}

/** What following this item looks for, strongest first; null when the item names no matter (apologies, minutes). */
export function followKeyOf(item: MatchableItem): FollowKey | null {
  const [reference] = planningReferences(`${item.heading}\n${item.text}`);
  if (reference) return { kind: 'reference', value: reference };
  if (item.issueId) return { kind: 'issue', value: `${item.council}:${item.issueId}` };
  const phrase = followPhrase(item.heading);
  return phrase ? { kind: 'phrase', value: phrase } : null;
}

/** Whether a later agenda item is the followed matter. */
export function itemMatches(key: FollowKey, item: MatchableItem): boolean {
  switch (key.kind) {
    case 'reference':
      return planningReferences(`${item.heading}\n${item.text}`).includes(key.value);
    case 'issue':
      return !!item.issueId && `${item.council}:${item.issueId}` === key.value;
    case 'phrase':
      return ` ${normalisePhrase(item.heading)} `.includes(` ${key.value} `);
  }
}

/** What the confirm page and the preference centre say a follow looks for. */
export function describeFollow(key: FollowKey): string {
  switch (key.kind) {
    case 'reference':
      return `items mentioning ${key.value}`;
    case 'issue':
      return `items the council's site files under the same matter (its issue ${key.value.slice(key.value.indexOf(':') + 1)})`;
    case 'phrase':
      return `items whose title contains “${key.value}”`;
  }
}
