import { simpleParser, type ParsedMail } from 'mailparser';
import { listenOnLoopback } from '../../src/mail/embedded-smtp.js';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll } from 'vitest';

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  messages: CapturedMail[];
  /** Resolves with the captured messages once `predicate` holds (default: at least `count`). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** Messages addressed to one recipient. */
  to(address: string): CapturedMail[];
  reset(): void;
  close(): Promise<void>;
}

export interface SinkBehaviour {
  /** Answer RCPT TO with an SMTP error (e.g. {code: 550, message: 'no such user'}) for some addresses. */
  rejectRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Answer DATA with an SMTP error for some messages (e.g. every seventh with 451). */
  rejectMessage?: (index: number, envelope: { to: string[] }) => { code: number; message: string } | undefined;
}

/**
 * A real SMTP server in the test process; what it receives is parsed by
 * mailparser, the way a mailbox would see it. Closed when the file ends.
 */
export async function startSmtpSink(behaviour: SinkBehaviour = {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  let received = 0;
  const smtpError = (error: { code: number; message: string }) => Object.assign(new Error(error.message), { responseCode: error.code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = behaviour.rejectRecipient?.(address.address);
      callback(refusal ? smtpError(refusal) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        };
        const refusal = behaviour.rejectMessage?.(received++, envelope);
        if (refusal) return callback(smtpError(refusal));
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            messages.push({ envelope, raw, parsed });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  const port = await listenOnLoopback(server);
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  afterAll(close);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`SMTP sink: expected ${count} messages, got ${messages.length} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    to: (recipient) => messages.filter((message) => message.envelope.to.includes(recipient)),
    reset: () => {
      messages.length = 0;
    },
    close,
  };
}

/** The agenda items a digest shows, read from its plain-text part (each is underlined with dashes). */
export function itemsIn(mail: CapturedMail): string[] {
  return [...(mail.parsed.text ?? '').matchAll(/^(.+)\n-{3,}$/gm)].map((match) => match[1]!);
}

/** A header as it went over the wire, unfolded (mailparser merges the List-* headers into one object). */
export function rawHeader(mail: CapturedMail, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return head.split(/\r?\n/).find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}
