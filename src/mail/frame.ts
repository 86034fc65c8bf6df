import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import type { QuotedPrintableBodies } from './quoted-printable.js';

/**
 * A whole message for a mail whose bodies are already quoted-printable, built
 * from a frame nodemailer composed once. Composing a 50 KB digest through
 * nodemailer's MIME tree costs each recipient the headers' building (address
 * parsing, key normalising, folding), a random boundary, a stream pipeline per
 * part and a socket write per piece it streams; all of it is the same for
 * every message but a few header values and the two bodies.
 *
 * So nodemailer's MailComposer builds the message once with a marker for
 * each of those, and each message is the frame with the markers replaced:
 * every header line that carried one is made again by nodemailer's own
 * header encoding and folding (`MimeNode#encodeHeaderValue`, `foldLines`),
 * as its `buildHeaders` makes it, and the bodies go in as they are. The
 * result is what nodemailer would have written, but for the boundary (one
 * per frame rather than per message) and it goes to the transport as one
 * `raw` message: one buffer through the SMTP data stream, one socket write.
 * `tests/mail/frame.test.ts` holds the two byte-equal, boundaries aside.
 */
export interface FramedMail {
  from: string;
  to: string;
  subject: string;
  /** Angle-bracketed. */
  messageId: string;
  date: Date;
  headers: Record<string, string>;
  encoded: QuotedPrintableBodies;
}

/** A body part as nodemailer writes it out, headers included: the transport's and the frame's alike. */
export const encodedPart = (contentType: string, body: string) => ({
  raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${body}`,
});

/** Literal, slot, literal, slot, ..., literal. */
type Frame = string[];

/** A header line made again per message (`line` is its key as nodemailer wrote it), or a body. */
type Slot = { header: string; line?: string; value: (mail: FramedMail) => unknown } | { body: keyof QuotedPrintableBodies };

export class MessageFrames {
  /** Marks where a value goes: hex passes nodemailer's header encoding unchanged, and a nonce fresh to this process is in no mail. */
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly frames = new Map<string, { frame: Frame; slots: Slot[] }>();
  /** One node for header encoding: a node per call would draw a random boundary each time. */
  private readonly encoder = new MimeNode();

  /**
   * The message, ASCII throughout (quoted-printable bodies, encoded headers),
   * written piece by piece into the buffer the transport sends: joined into
   * one string first, each message would cost a 50 KB string on the heap and
   * its copy into a buffer besides.
   */
  async message(mail: FramedMail): Promise<Buffer> {
    const names = Object.keys(mail.headers);
    const key = `${mail.from}\0${names.join('\0')}`;
    let made = this.frames.get(key);
    if (!made) {
      // A handful at most (digests, feed digests, alerts): keyed by what is fixed in a frame.
      if (this.frames.size >= 32) this.frames.clear();
      made = await this.compose(mail.from, names);
      this.frames.set(key, made);
    }
    const { frame, slots } = made;
    const pieces: string[] = [frame[0]!];
    let length = frame[0]!.length;
    for (let index = 1; index < frame.length; index += 2) {
      const slot = slots[(index - 1) / 2]!;
      const piece = 'body' in slot ? mail.encoded[slot.body] : foldLines(`${slot.line}: ${this.encoder.encodeHeaderValue(slot.header, slot.value(mail) as string)}`, 76);
      pieces.push(piece, frame[index + 1]!);
      length += piece.length + frame[index + 1]!.length;
    }
    // One byte a character: every piece is ASCII, so latin1 writes each as it is.
    const message = Buffer.allocUnsafeSlow(length);
    let at = 0;
    for (const piece of pieces) at += message.write(piece, at, 'latin1');
    return message;
  }

  private async compose(from: string, names: string[]): Promise<{ frame: Frame; slots: Slot[] }> {
    const markers = new Map<string, Slot>();
    const mark = (slot: Slot) => {
      const marker = `${this.nonce}${markers.size}x${this.nonce}`;
      markers.set(marker, slot);
      return marker;
    };
    const headers: Record<string, string> = {};
    for (const name of names) headers[name] = mark({ header: name, value: (mail) => mail.headers[name] });
    const built = await new MailComposer({
      from,
      to: `${mark({ header: 'To', value: (mail) => mail.to })}@frame.invalid`,
      subject: mark({ header: 'Subject', value: (mail) => mail.subject }),
      messageId: mark({ header: 'Message-ID', value: (mail) => mail.messageId }),
      date: mark({ header: 'Date', value: (mail) => mail.date }),
      headers,
      html: encodedPart('text/html', mark({ body: 'html' })),
      text: encodedPart('text/plain', mark({ body: 'text' })),
      textEncoding: 'quoted-printable',
    })
      .compile()
      .build();
    const text = built.toString('latin1');
    const frame: Frame = [];
    const slots: Slot[] = [];
    let rest = 0;
    // Each marker is a body, or sits in one header line, which the slot makes again whole.
    for (let at = text.indexOf(this.nonce); at >= 0; at = text.indexOf(this.nonce, rest)) {
      const end = text.indexOf(this.nonce, at + this.nonce.length) + this.nonce.length;
      const slot = markers.get(text.slice(at, end));
      if (!slot) throw new Error('a message frame lost one of its markers');
      const start = 'body' in slot ? at : text.lastIndexOf('\r\n', at) + 2;
      const stop = 'body' in slot ? end : text.indexOf('\r\n', end);
      if (!('body' in slot)) slot.line = text.slice(start, text.indexOf(':', start));
      frame.push(text.slice(rest, start), '');
      slots.push(slot);
      rest = stop;
    }
    frame.push(text.slice(rest));
    if (slots.length !== markers.size) throw new Error(`a message frame holds ${slots.length} of its ${markers.size} markers`);
    return { frame, slots };
  }
}
