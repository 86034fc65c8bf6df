import fc from 'fast-check';
import { encode, wrap } from 'nodemailer/lib/qp';
import { describe, expect, it } from 'vitest';
import { quotedPrintable } from '../../src/mail/quoted-printable.js';

describe('quoted-printable encoding', () => {
  it('give exactly what nodemailer gives for any text, links and addresses among it', () => {
    const nodemailer = (text: string) => (text ? wrap(encode(text), 76) : '');
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
});
