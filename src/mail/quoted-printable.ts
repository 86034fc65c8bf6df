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
 * so the decoded body is exactly `fill`'s.
 *
 * The output is byte for byte nodemailer's (`wrap(encode(text), 76)` from
 * nodemailer/lib/qp, held to it by tests/mail/quoted-printable.test.ts):
 * lines of at most 76 characters, white space before a line break encoded,
 * soft breaks after a space or punctuation near a line's end, never inside
 * an escape or a UTF-8 sequence. Made our way because nodemailer's cost a
 * full run's workers 5% of their CPU (the digests they encode whole): it
 * visits every byte in JavaScript and cuts lines with regular expressions
 * over string slices, and what it gives is a rope of a thousand slices,
 * which a kept digest holds on to and every send copies out again. Here the
 * escapes are native string passes, the lines are found by scanning bytes,
 * and the result is one flat string.
 */
export function quotedPrintable(text: string): string {
  if (!text) return '';
  // Printable ASCII but "=" and no white space: what encoding gives back unchanged, as a recipient's links and
  // address are (a digest encodes six or seven a recipient); only a long link is wrapped.
  return wrap(literal.test(text) ? text : encode(text));
}

const literal = /^[!-<>-~]*$/;

/** The longest line, soft break included, and the stretch at its end where a break is looked for (nodemailer's). */
const lineLength = 76;
const lineMargin = Math.floor(lineLength / 3);

/**
 * What `encode` escapes besides "=", among a text's UTF-8 bytes: any byte
 * outside printable ASCII, tab, CR and LF, and a space or tab at the end or
 * before a line break, which few texts have (looked for only when one is).
 */
const unprintable = /[^\t\n\r -~]+/g;
const spaceBeforeBreak = /[ \t](?=[\r\n]|$)/g;
const hasSpaceBeforeBreak = (bytes: string) =>
  bytes.includes(' \n') || bytes.includes(' \r') || bytes.includes('\t\n') || bytes.includes('\t\r') || bytes.endsWith(' ') || bytes.endsWith('\t');

/** =00 to =FF, by byte. */
const escapes = Array.from({ length: 256 }, (_, byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);
function escape(bytes: string): string {
  let out = '';
  for (let index = 0; index < bytes.length; index += 1) out += escapes[bytes.charCodeAt(index)]!;
  return out;
}

/**
 * The text encoded (nodemailer's `encode`), worked on as its UTF-8 bytes
 * read one character a byte: "=" first, then each run of other bytes that
 * need it, then white space before a break. Nearly all of a digest is
 * printable ASCII, which these passes skip over in native code, where
 * nodemailer's encoder visits every byte in JavaScript.
 */
function encode(text: string): string {
  const utf8 = room(text.length * 3);
  const length = utf8.write(text, 'utf8');
  // As many bytes as characters: all ASCII, and the text is its own bytes.
  const bytes = length === text.length ? text : utf8.toString('latin1', 0, length);
  const encoded = bytes.replaceAll('=', '=3D').replace(unprintable, escape);
  return hasSpaceBeforeBreak(encoded) ? encoded.replace(spaceBeforeBreak, escape) : encoded;
}

/**
 * An encoded text cut into lines of at most 76 characters (nodemailer's
 * `wrap`, step for step): a line ends at the first CRLF or last LF within
 * reach, else after the last space or punctuation near its end, else short
 * of an escape or a UTF-8 sequence it would split, and each line cut short
 * ends in a soft break. The text between soft breaks is joined once, into a
 * flat string; a text that needs no soft break comes back as it is.
 */
function wrap(text: string): string {
  const length = text.length;
  if (length <= lineLength) return text;
  // Scanned as bytes (an encoded text is ASCII): reading a string a character at a time costs more, most of all a
  // string made of pieces, as a template's output is.
  const bytes = room(length);
  bytes.write(text, 'latin1');
  // The text between soft breaks, as slices of it: lines that end in a line break of their own are left joined.
  const pieces: string[] = [];
  let from = 0;
  for (let start = 0; start < length; ) {
    const reach = Math.min(start + lineLength, length);
    const hard = hardBreakEnd(bytes, start, reach);
    if (hard !== -1) {
      start = hard;
      continue;
    }
    let end = softBreakEnd(bytes, start, reach, length);
    if (end < length && bytes[end - 1] !== LF) {
      // A full-length line gives up its last escape or character, so the "=" fits.
      if (end - start === lineLength) end -= escapeEndsAt(bytes, start, end) ? 3 : 1;
      pieces.push(text.slice(from, end), '=\r\n');
      from = end;
    }
    start = end;
  }
  if (from === 0) return text;
  pieces.push(text.slice(from));
  return pieces.join('');
}

/** Where a line that may run to `reach` ends at a line break of its own: after its first CRLF, or its last LF near the end with no CR or LF after it; -1 if it has none. */
function hardBreakEnd(bytes: Buffer, start: number, reach: number): number {
  for (let at = start; at + 1 < reach; at += 1) if (bytes[at] === CR && bytes[at + 1] === LF) return at + 2;
  if (bytes[reach - 1] === LF) return reach;
  for (let at = reach - 1; at >= Math.max(start, reach - lineMargin); at -= 1) {
    if (bytes[at] === CR) return -1;
    if (bytes[at] === LF) return at + 1;
  }
  return -1;
}

/**
 * Where a line with no line break of its own is cut (a soft break follows
 * unless the text ends there): after the last space or punctuation near its
 * end, else short of an escape or a UTF-8 sequence it would split.
 */
function softBreakEnd(bytes: Buffer, start: number, reach: number, length: number): number {
  if (reach - start > lineLength - lineMargin) {
    for (let at = reach - 1; at >= Math.max(start, reach - lineMargin); at -= 1) if (breakAfter[bytes[at]!] === 1) return at + 1;
  }
  let end = reach;
  const partial = partialEscapeAt(bytes, start, end);
  if (partial > 0 || escapeEndsAt(bytes, start, end)) {
    // An escape split at the line's end goes whole to the next line.
    end -= partial;
    // Nor is a UTF-8 sequence split: its escapes go back to its first byte.
    while (end - start > 3 && end - start < length - start && !onlyEscapes(bytes, start, end) && escapeEndsAt(bytes, start, end)) {
      const code = (hexValue[bytes[end - 2]!]! << 4) | hexValue[bytes[end - 1]!]!;
      if (code < 128) break;
      end -= 3;
      if (code >= 0xc0) break;
    }
  }
  return end === start ? reach : end;
}

/**
 * Scratch space for the bytes `encode` and `wrap` work on, grown as needed:
 * both are synchronous, so one serves every call. Kept up to 1 MB (a digest
 * needs about 150 KB); a larger text gets room of its own, let go after.
 */
let scratch = Buffer.allocUnsafeSlow(128 * 1024);
const keptRoom = 1024 * 1024;
const room = (bytes: number) =>
  scratch.length >= bytes ? scratch : bytes > keptRoom ? Buffer.allocUnsafeSlow(bytes) : (scratch = Buffer.allocUnsafeSlow(Math.min(keptRoom, Math.max(bytes, scratch.length * 2))));

const CR = 0x0d;
const LF = 0x0a;
const EQUALS = 0x3d;

/** 1 for a byte a soft break may follow (space, tab, . , ! ?); a hexadecimal digit's value, else -1. */
const breakAfter = new Uint8Array(256);
for (const char of ' \t.,!?') breakAfter[char.charCodeAt(0)] = 1;
const hexValue = new Int8Array(256).fill(-1);
for (const [value, char] of [...'0123456789ABCDEF'].entries()) hexValue[char.charCodeAt(0)] = hexValue[char.toLowerCase().charCodeAt(0)] = value;
const isHex = (byte: number) => hexValue[byte]! >= 0;

/** How long an escape cut off at `end` is: "=" or "=X" (1 or 2), else 0. */
function partialEscapeAt(bytes: Buffer, start: number, end: number): number {
  if (bytes[end - 1] === EQUALS) return 1;
  return end - start >= 2 && bytes[end - 2] === EQUALS && isHex(bytes[end - 1]!) ? 2 : 0;
}

/** Whether an escape (=XX) ends at `end`, at or after `start`. */
function escapeEndsAt(bytes: Buffer, start: number, end: number): boolean {
  return end - start >= 3 && bytes[end - 3] === EQUALS && isHex(bytes[end - 2]!) && isHex(bytes[end - 1]!);
}

/** Whether the line is one to four escapes and nothing else. */
function onlyEscapes(bytes: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length % 3 !== 0 || length > 12) return false;
  for (let at = start + 3; at <= end; at += 3) if (!escapeEndsAt(bytes, at - 3, at)) return false;
  return true;
}

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
