import type { Block } from './schema.js';

/** A section's blocks as plain text, list items one a line: what search and tagging read. */
export function blocksToText(blocks: readonly Block[]): string {
  return blocks
    .map((block) =>
      block.type === 'paragraph' ? block.text : block.items.map((item) => `- ${item}`).join('\n'),
    )
    .join('\n\n');
}
