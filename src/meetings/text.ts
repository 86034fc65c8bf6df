import type { Block } from './schema.js';

/** A section's blocks as plain text, list items one a line: what search and tagging read. */
export function blocksToText(blocks: readonly Block[]): string {
  return blocks
    .map((block) =>
      block.type === 'paragraph' ? block.text : block.items.map((item) => `- ${item}`).join('\n'),
    )
    .join('\n\n');
}

/**
 * The inverse of blocksToText: paragraphs split by a blank line, and a run of
 * "- " lines a list again. Decisions are stored as text this way, so a
 * resolution's parts ("(a) that …; (b) that …") come back as a list.
 */
export function textToBlocks(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.split('\n').map((line) => line.trim()).filter(Boolean))
    .filter((lines) => lines.length > 0)
    .map((lines): Block => (lines.every((line) => line.startsWith('- ')) ? { type: 'list', items: lines.map((line) => line.slice(2)) } : { type: 'paragraph', text: lines.join(' ') }));
}
