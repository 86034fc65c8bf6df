import { encode, wrap } from 'nodemailer/lib/qp';

/** An email's two bodies, already quoted-printable: what the transport sends as they are. */
export interface QuotedPrintableBodies {
  html: string;
  text: string;
}

/**
 * Quoted-printable encoding of a prepared email, done in pieces. Composing a
 * 48 KB digest, nodemailer spends most of its time encoding the bodies, and
 * every recipient of a filter set gets the same bodies but for a few links.
 * A prepared email's literal pieces (template.ts's `prepare`: literal, key,
 * literal, ...) are encoded once; per recipient only the values are, and the
 * pieces are joined with soft line breaks (`=` CRLF), which decode to nothing,
 * so the decoded body is exactly `fill`'s. Encoded with nodemailer's own
 * encoder, as it would encode the whole (lines of at most 76 characters,
 * white space before a break encoded).
 */
export function quotedPrintable(text: string): string {
  if (!text) return '';
  // Printable ASCII but "=" and no white space: what `encode` gives back unchanged, as a recipient's links and address
  // are (a digest encodes six or seven a recipient, and `encode` costs a buffer and a copy even then).
  return wrap(literal.test(text) ? text : encode(text), 76);
}

const literal = /^[!-<>-~]*$/;

/** The literal pieces (even positions) encoded, the keys (odd positions) left as they are. */
export function encodeLiterals(pieces: string[]): string[] {
  return pieces.map((piece, index) => (index % 2 === 0 ? quotedPrintable(piece) : piece));
}

/** The encoded body for one recipient: each key's value encoded, every piece on a line of its own by a soft break. */
export function fillEncoded(pieces: string[], valueOf: (key: string) => string): string {
  let out = pieces[0]!;
  for (let index = 1; index < pieces.length; index += 1) {
    const piece = index % 2 === 0 ? pieces[index]! : quotedPrintable(valueOf(pieces[index]!));
    if (piece) out += out ? `=\r\n${piece}` : piece;
  }
  return out;
}
