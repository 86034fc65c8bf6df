import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';
import type { Block } from '../meetings/schema.js';

/**
 * Decision, minute and agenda text from a council's site, HTML, as the
 * paragraph and list blocks the store keeps: block elements become
 * paragraphs, list items list entries (nested lists flattened into their
 * list), Word's list paragraphs (`MsoListParagraph…`, their bullet or number
 * in a `mso-list:Ignore` span) a list too, tables one paragraph a row; every
 * tag goes and every entity is decoded, so no markup reaches stored text.
 *
 * ModernGov sends Word's HTML wrapped mid-sentence at about 60 characters: a
 * line break in the source is a space, and only `<br>` or a new block starts
 * a new paragraph.
 */

interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

/** A `<br>` while text is gathered: the one way inside a block to start a new paragraph. */
const lineBreak = '\f';

/** Word's list paragraphs: `<p class="MsoListParagraphCxSpFirst">`, `MsoListBullet`, `MsoListNumber`. */
const isWordListItem = (node: DomNode) => node.name === 'p' && /\bMsoList/i.test(node.attribs?.class ?? '');
/** The bullet or number Word writes before a list paragraph's text. */
const isWordBullet = (node: DomNode) => /mso-list:\s*ignore/i.test(node.attribs?.style ?? '');

const blockElements = new Set([
  'p', 'div', 'section', 'article', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'address', 'center', 'table', 'tbody', 'thead', 'tfoot', 'dl', 'dd', 'dt', 'hr', 'form', 'fieldset',
]);
const skipped = new Set(['script', 'style', 'head', 'title', 'noscript', 'template']);

const fold = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();

/** Bounds of the canonical format (meetings/schema.ts), so a long minute is shortened rather than refused. */
const limits = { paragraph: 20_000, item: 5_000, items: 200, blocks: 500 };

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The text inside a node, tags removed (Word's bullets too), white space folded by the caller. */
function textOf(node: DomNode): string {
  if (node.type === 'text') return node.data ?? '';
  if (node.name && skipped.has(node.name)) return '';
  if (isWordBullet(node)) return '';
  if (node.name === 'br') return ' ';
  const inner = (node.children ?? []).map(textOf).join('');
  return node.name && (blockElements.has(node.name) || node.name === 'li' || node.name === 'tr') ? ` ${inner} ` : inner;
}

export function htmlToBlocks(html: string): Block[] {
  // Some sites escape the HTML once more than the XML needs: "&lt;p&gt;" where "<p>" was meant.
  const source = !/<[a-z]/i.test(html) && /&lt;[a-z]/i.test(html) ? decodeHTML(html) : html;
  const document = parseDocument(source, { decodeEntities: true, lowerCaseTags: true }) as unknown as DomNode;
  const blocks: Block[] = [];
  let inline = '';
  let wordList: string[] = [];

  const pushList = (items: string[]) => {
    for (let start = 0; start < items.length; start += limits.items) {
      blocks.push({ type: 'list', items: items.slice(start, start + limits.items) });
    }
  };
  const flushWordList = () => {
    if (wordList.length) pushList(wordList);
    wordList = [];
  };
  const flush = () => {
    const lines = inline.split(lineBreak).map(fold).filter(Boolean);
    inline = '';
    if (lines.length === 0) return;
    flushWordList();
    for (const text of lines) blocks.push({ type: 'paragraph', text: clip(text, limits.paragraph) });
  };
  const listItems = (list: DomNode): string[] =>
    (list.children ?? []).flatMap((child) => {
      if (child.name !== 'li') return child.name === 'ul' || child.name === 'ol' ? listItems(child) : [];
      const nested = (child.children ?? []).filter((grand) => grand.name === 'ul' || grand.name === 'ol');
      const own = fold(textOf({ ...child, children: (child.children ?? []).filter((grand) => !nested.includes(grand)) }));
      return [...(own ? [own] : []), ...nested.flatMap(listItems)];
    });

  const walk = (node: DomNode) => {
    if (node.type === 'text') {
      inline += (node.data ?? '').replace(/[\r\n]+/g, ' ');
      return;
    }
    if (node.type !== 'tag' && node.type !== 'root' && node.type !== 'script' && node.type !== 'style') return;
    const name = node.name ?? '';
    if (skipped.has(name) || node.type === 'script' || node.type === 'style' || isWordBullet(node)) return;
    if (name === 'br') {
      inline += lineBreak;
      return;
    }
    if (isWordListItem(node)) {
      flush();
      const text = fold(textOf(node));
      if (text) wordList.push(clip(text, limits.item));
      return;
    }
    if (name === 'ul' || name === 'ol') {
      flush();
      flushWordList();
      pushList(listItems(node).map((item) => clip(item, limits.item)));
      return;
    }
    if (name === 'tr') {
      flush();
      flushWordList();
      const cells = (node.children ?? []).map((cell) => fold(textOf(cell))).filter(Boolean);
      if (cells.length) blocks.push({ type: 'paragraph', text: clip(cells.join(' – '), limits.paragraph) });
      return;
    }
    const isBlock = blockElements.has(name) || name === 'li';
    if (isBlock) flush();
    for (const child of node.children ?? []) walk(child);
    if (isBlock) flush();
  };
  walk(document);
  flush();
  flushWordList();
  return blocks.slice(0, limits.blocks);
}
