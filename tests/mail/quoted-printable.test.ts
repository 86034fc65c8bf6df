import fc from 'fast-check';
import { encode, wrap } from 'nodemailer/lib/qp';
import { describe, expect, it } from 'vitest';
import { encodeLiterals, fillEncoded, quotedPrintable } from '../../src/mail/quoted-printable.js';

const nodemailer = (text: string) => (text ? wrap(encode(text), 76) : '');

/** Text shaped like a rendered digest: words, markup, punctuation, line breaks of every kind, accents, emoji and = signs, in long runs. */
const bodyLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', '  ', '\t', '.', ',', '!', '?', '\r\n', '\n', '\r', ' \r\n', '\t\n', '=', '<p style="margin:0">', '</td>', '&amp;', '£', 'é', 'Café', '“quoted”', '–', '€', '😀', '\ud800', '日本'),
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 90 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

describe('quoted-printable encoding', () => {
  it('give exactly what nodemailer gives for any text, links and addresses among it', () => {
    const link = fc.webUrl({ withQueryParameters: true, withFragments: true });
    const address = fc.emailAddress();
    const anything = fc.string({ unit: 'binary', maxLength: 300 });
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 });
    fc.assert(
      fc.property(fc.oneof(link, address, anything, ascii), (text) => {
        expect(quotedPrintable(text)).toBe(nodemailer(text));
      }),
      { numRuns: 2000 },
    );
    for (const text of ['', '=', 'a=b', 'plain', ' ', 'ends in space ', `https://digest.example.org/preferences/${'a'.repeat(120)}`, 'Tab\there']) {
      expect(quotedPrintable(text)).toBe(nodemailer(text));
    }
  });

  it('give exactly what nodemailer gives for long bodies: breaks at spaces and punctuation, line ends of every kind, UTF-8 never split', () => {
    fc.assert(
      fc.property(bodyLike, (text) => {
        expect(quotedPrintable(text)).toBe(nodemailer(text));
      }),
      { numRuns: 1500 },
    );
    const edges = [
      `${'x'.repeat(75)}é${'y'.repeat(80)}`,
      `${'x'.repeat(73)}😀😀😀${'y'.repeat(10)}`,
      `${'é'.repeat(60)}`,
      `${'a'.repeat(74)}\r\n${'b'.repeat(200)}`,
      `${'a'.repeat(60)} ${'b'.repeat(30)}\n${'c'.repeat(90)}`,
      `${'a'.repeat(76)}=`,
      `${'a'.repeat(75)} `,
      `${'a'.repeat(75)}\r${'b'.repeat(80)}`,
      `${'a'.repeat(74)}\n\r${'b'.repeat(80)}`,
    ];
    for (const text of edges) expect(quotedPrintable(text)).toBe(nodemailer(text));
  });

  it('keep nothing of one call in the next: a long text after a short one, and the other way round', () => {
    // 420,000 characters: as UTF-8 room, more than the scratch space kept between calls (1 MB).
    const long = `<table>${'<tr><td>Planning – Café “A” £5</td></tr>\r\n'.repeat(10_000)}</table>`;
    const short = 'Hello, world!';
    expect(quotedPrintable(long)).toBe(nodemailer(long));
    expect(quotedPrintable(short)).toBe(nodemailer(short));
    expect(quotedPrintable(long.slice(0, 900))).toBe(nodemailer(long.slice(0, 900)));
    expect(quotedPrintable(long)).toBe(nodemailer(long));
  });

  it('fill a body encoded in pieces that decodes to the filled text', () => {
    const pieces = encodeLiterals(['<p>Dear reader, here is your digest: ', 'link', ' — and more = less.</p>\r\n'.repeat(20)]);
    const body = fillEncoded(pieces, () => 'https://digest.example.org/u/abc?x=1&y=2');
    const decoded = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    expect(decoded).toBe(`<p>Dear reader, here is your digest: https://digest.example.org/u/abc?x=1&y=2${' — and more = less.</p>\r\n'.repeat(20)}`);
    expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
  });
});
