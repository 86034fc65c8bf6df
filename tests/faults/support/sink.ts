import { listenOnLoopback } from '../../../src/mail/embedded-smtp.js';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { onTestFinished } from 'vitest';

export interface SinkRules {
  /** An SMTP error for RCPT TO of this address (a 550 for a mailbox that does not exist). */
  refuseRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** An SMTP error for the n-th message's DATA (counting every attempt). */
  refuseMessage?: (attempt: number) => { code: number; message: string } | undefined;
}

export interface Accepted {
  to: string;
  messageId: string;
}

/**
 * A real SMTP server that keeps, for every message it accepts, only the
 * recipient and the Message-ID header: light enough for thousands of
 * messages while a worker process sends them.
 */
export async function startCountingSink(rules: SinkRules = {}) {
  const accepted: Accepted[] = [];
  const refusedRecipients: string[] = [];
  let dataAttempts = 0;
  let refusedMessages = 0;
  const smtpError = (error: { code: number; message: string }) => Object.assign(new Error(error.message), { responseCode: error.code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = rules.refuseRecipient?.(address.address);
      if (refusal) refusedRecipients.push(address.address);
      callback(refusal ? smtpError(refusal) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = rules.refuseMessage?.(dataAttempts++);
        if (refusal) {
          refusedMessages += 1;
          return callback(smtpError(refusal));
        }
        const head = Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '(none)';
        for (const rcpt of session.envelope.rcptTo) accepted.push({ to: rcpt.address, messageId });
        callback();
      });
    },
  });
  const port = await listenOnLoopback(server);
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    refusedRecipients,
    stats: () => ({ dataAttempts, refusedMessages }),
  };
}

export type CountingSink = Awaited<ReturnType<typeof startCountingSink>>;

/**
 * What each address received: lost (nothing), duplicated (two different
 * Message-IDs: a real second email) and resent (the same Message-ID again,
 * which mailbox providers fold into one).
 */
export function tally(accepted: Accepted[], expected: string[]) {
  const byAddress = new Map<string, string[]>();
  for (const { to, messageId } of accepted) byAddress.set(to, [...(byAddress.get(to) ?? []), messageId]);
  const lost = expected.filter((address) => !byAddress.has(address));
  const duplicated = [...byAddress].filter(([, ids]) => new Set(ids).size > 1).map(([address]) => address);
  const resent = [...byAddress.values()].reduce((sum, ids) => sum + ids.length - 1, 0);
  const unexpected = [...byAddress.keys()].filter((address) => !expected.includes(address));
  return { delivered: byAddress.size, lost, duplicated, resent, unexpected };
}
