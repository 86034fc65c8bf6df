import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRows, ImportFormatError, ImportTooLargeError, jsonArrayRows, limitBytes, type RawRow } from '../../src/subscribers/import-formats.js';

/** A body arriving in chunks of `size` bytes, so elements straddle chunk boundaries. */
function body(text: string, size = 7): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return Readable.from(chunks);
}

async function collect(rows: AsyncIterable<RawRow>): Promise<RawRow[]> {
  const out: RawRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('reading a JSON array element by element', () => {
  it('finds each element whatever its strings hold, across chunk boundaries', async () => {
    const elements = [
      { email: 'a@example.org', keywords: ['commas, and ] brackets', 'quotes \\" and { braces }'] },
      { email: 'b@example.org', nested: { list: [1, [2, 3]] } },
      { email: 'ü@bücher.example' },
    ];
    for (const size of [1, 3, 7, 64, 4096]) {
      const rows = await collect(jsonArrayRows(body(` \n[ ${elements.map((element) => JSON.stringify(element)).join(' ,\n')} ] \n`, size)));
      expect(rows).toEqual(elements.map((value, index) => ({ row: index + 1, value })));
    }
  });

  it('reads an empty array as no rows', async () => {
    expect(await collect(jsonArrayRows(body('[]')))).toEqual([]);
  });

  it('makes a broken element that row\'s problem and carries on', async () => {
    const rows = await collect(jsonArrayRows(body('[{"email":"a@example.org"}, {"email": nope}, 42, {"email":"c@example.org"}]')));
    expect(rows.map((row) => ('error' in row ? row.error.slice(0, 14) : 'ok'))).toEqual(['ok', 'not valid JSON', 'is not an obje', 'ok']);
  });

  it.each([
    ['not an array', '{"email":"a@example.org"}'],
    ['cut short', '[{"email":"a@example.org"},{"em'],
    ['followed by more text', '[] []'],
    ['empty', ''],
  ])('refuses a body that is %s', async (_name, text) => {
    await expect(collect(jsonArrayRows(body(text)))).rejects.toThrow(ImportFormatError);
  });
});

describe('reading CSV', () => {
  it('maps each row to the header, case-insensitively, skipping blank lines and a byte-order mark', async () => {
    const rows = await collect(csvRows(body('\uFEFFEmail,Topics\r\na@example.org,housing;transport\r\n\r\n"b,@example.org",\r\n')));
    expect(rows).toEqual([
      { row: 1, value: { email: 'a@example.org', topics: 'housing;transport' } },
      { row: 2, value: { email: 'b,@example.org', topics: '' } },
    ]);
  });
});

describe('the body limit', () => {
  it('stops a body that runs past it', async () => {
    await expect(collect(jsonArrayRows(limitBytes(body(`[${'"x",'.repeat(100)}"x"]`), 50)))).rejects.toThrow(ImportTooLargeError);
  });
});
