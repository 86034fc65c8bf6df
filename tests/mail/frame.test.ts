import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, describe, expect, it } from 'vitest';
import { encodedPart, MessageFrames, type FramedMail } from '../../src/mail/frame.js';
import { quotedPrintable } from '../../src/mail/quoted-printable.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { startSmtpSink } from '../helpers/smtp.js';

const from = 'Council Digest <digest@example.org>';
const token = 'eyJwIjoidW5zdWJzY3JpYmUiLCJzIjoiYWJjZGVmIiwidiI6MX0.q5Vb0Jx1nC2mA9sK4eL7tw';
const listHeaders = {
  'List-Unsubscribe': `<https://digest.example.org/unsubscribe/${token}>, <mailto:unsubscribe@example.org?subject=unsubscribe%20${token}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  'List-Id': 'Council Digest weekly <weekly.example.org>',
  'X-Digest-Week': '2025-06-16',
};
const html = '<p>Planning Committee, 17 June: 25/00912/FULM — Land at Hatfield Road, 120 homes.</p>\n'.repeat(40);
const text = 'Planning Committee, Tuesday 17 June 2025\n25/00912/FULM: Land at Hatfield Road, 120 homes = 35% affordable.\n'.repeat(20);

function framed(overrides: Partial<FramedMail> = {}): FramedMail {
  return {
    from,
    to: 'resident@example.org',
    subject: '3 meetings: Planning Committee, Cabinet, Licensing',
    messageId: '<digest.k3Jx9.2025-06-16@example.org>',
    date: new Date('2025-06-23T07:00:00Z'),
    headers: listHeaders,
    encoded: { html: quotedPrintable(html), text: quotedPrintable(text) },
    ...overrides,
  };
}

/** nodemailer composing the same mail whole, as the transport did before frames. */
async function composedWhole(mail: FramedMail): Promise<string> {
  const { encoded, ...rest } = mail;
  const built = await new MailComposer({
    ...rest,
    html: encodedPart('text/html', encoded.html),
    text: encodedPart('text/plain', encoded.text),
    textEncoding: 'quoted-printable',
  })
    .compile()
    .build();
  return built.toString('latin1');
}

/** Boundaries are random: one per frame, one per message when composed whole. */
const sameBoundary = (message: string) => message.replace(/--_NmP-[0-9a-f]+-Part_\d+/g, '--_NmP-boundary-Part_1');

describe('a message built from a frame', () => {
  it.each([
    ['a plain subject', framed()],
    ['a subject with an en dash, curly quotes and an accent, encoded as words', framed({ subject: '2 meetings: Café licensing – the “Bull” on Fore Street' })],
    ['a long subject, folded', framed({ subject: `4 meetings: ${'Hertfordshire County Council Development Control Committee, '.repeat(3)}and more` })],
    ['a mixed-case address', framed({ to: 'Resident.Name+digest@Example.ORG' })],
    ['a feed recipient with other headers', framed({ headers: { 'List-Unsubscribe': '<https://digest.example.org/feed-unsubscribe/abc.def>', 'List-Id': 'Planning in Herts <feed.f1.example.org>' } })],
  ])('is byte for byte what nodemailer composes whole, boundaries aside (%s)', async (_name, mail) => {
    const frames = new MessageFrames();
    expect(sameBoundary((await frames.message(mail)).toString('latin1'))).toBe(sameBoundary(await composedWhole(mail)));
    // The second message from the same frame too, with every personal value changed.
    const second = { ...mail, to: 'neighbour@example.net', messageId: '<digest.Zq81.2025-06-16@example.org>', date: new Date('2025-06-23T07:00:01Z'), headers: { ...mail.headers, 'List-Unsubscribe': '<https://digest.example.org/unsubscribe/other.token>' } };
    expect(sameBoundary((await frames.message(second)).toString('latin1'))).toBe(sameBoundary(await composedWhole(second)));
  });

  it('is all ASCII, so it goes to the wire as it is', async () => {
    const message = await new MessageFrames().message(framed({ subject: 'Café – “Bull”' }));
    expect(message.every((byte) => byte < 0x80)).toBe(true);
    expect(message.toString('latin1')).toContain('Subject: =?UTF-8?');
  });
});

const sink = await startSmtpSink();
afterAll(() => sink.close());

describe('sending a mail whose bodies are encoded', () => {
  it('reaches a real SMTP server as one message that a mailbox reads exactly as rendered, with its envelope sender', async () => {
    const mailer = createSmtpMailer({ url: sink.url, from });
    try {
      const mail = framed({ subject: 'Café – “Bull”' });
      const result = await mailer.send({ to: mail.to, subject: mail.subject, html, text, encoded: mail.encoded, messageId: mail.messageId, headers: listHeaders, returnPath: 'b+s.1.abc@bounces.example.org' });
      expect(result.messageId).toBe(mail.messageId);
      expect(result.response).toMatch(/^250/);
      const [received] = await sink.waitFor(1);
      expect(received!.envelope).toEqual({ from: 'b+s.1.abc@bounces.example.org', to: ['resident@example.org'] });
      const { parsed } = received!;
      expect(parsed.subject).toBe('Café – “Bull”');
      expect(parsed.messageId).toBe(mail.messageId);
      expect(parsed.to).toMatchObject({ text: 'resident@example.org' });
      expect(parsed.html).toBe(html);
      expect(parsed.text).toBe(text);
      expect(received!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
      expect(parsed.headers.get('list')).toMatchObject({ unsubscribe: { url: `https://digest.example.org/unsubscribe/${token}` } });
      expect(parsed.headers.get('x-digest-week')).toBe('2025-06-16');
      expect(String(parsed.headers.get('date'))).not.toBe('Invalid Date');
    } finally {
      await mailer.close();
    }
  });

  it('goes the composing way to an internationalised address, which a mailbox reads the same', async () => {
    sink.reset();
    const mailer = createSmtpMailer({ url: sink.url, from });
    try {
      const mail = framed({ to: 'jos\u00e9@example.org' });
      await mailer.send({ to: mail.to, subject: mail.subject, html, text, encoded: mail.encoded, messageId: mail.messageId, headers: listHeaders });
      const [received] = await sink.waitFor(1);
      expect(received!.envelope.to).toEqual(['jos\u00e9@example.org']);
      expect(received!.parsed.to).toMatchObject({ text: 'jos\u00e9@example.org' });
      expect(received!.parsed.html).toBe(html);
      expect(received!.parsed.text).toBe(text);
    } finally {
      await mailer.close();
    }
  });

  it('is signed by DKIM when DKIM is set, and the signature verifies', async () => {
    sink.reset();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const mailer = createSmtpMailer({
      url: sink.url,
      from,
      dkim: { domainName: 'example.org', keySelector: 'cd2025', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    });
    try {
      const mail = framed();
      await mailer.send({ to: mail.to, subject: mail.subject, html, text, encoded: mail.encoded, messageId: mail.messageId, headers: listHeaders });
      const [received] = await sink.waitFor(1);
      const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const verified = await dkimVerify(Buffer.from(received!.raw), {
        resolver: async (name: string) => {
          expect(name).toBe('cd2025._domainkey.example.org');
          return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
        },
      });
      expect(verified.results.map((result) => result.status.result)).toEqual(['pass']);
    } finally {
      await mailer.close();
    }
  });
});
