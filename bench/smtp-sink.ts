import { SMTPServer } from 'smtp-server';
import { listenOnLoopback } from '../src/mail/embedded-smtp.js';

/**
 * The benchmark's SMTP server, a child process of bench/run.ts so its CPU
 * is not the sender's. It accepts everything, reads only the headers it
 * needs (Message-ID), and answers the parent's IPC questions:
 * 'stats' (counts), 'reset' and 'tempfail' (from now on, answer every Nth
 * message with a 451, as a busy relay does; 0 stops). It reports its port
 * once listening.
 */

export interface SinkStats {
  messages: number;
  bytes: number;
  recipients: number;
  /** Recipients who got more than one message. */
  repeated: number;
  /** Distinct Message-IDs over all messages. */
  messageIds: number;
  /** Messages answered with a 451 (not counted in `messages`). */
  refused: number;
}

const perRecipient = new Map<string, number>();
const messageIds = new Set<string>();
let messages = 0;
let bytes = 0;
let answers = 0;
let refused = 0;
let tempfailEvery = 0;

function headerValue(head: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(head)?.[1]?.trim();
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // Connections are pooled by the senders; the default cap would refuse a large pool.
  maxClients: 1000,
  onData(stream, session, callback) {
    let head = '';
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (head.length < 8192 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1', 0, Math.min(chunk.length, 8192));
    });
    stream.on('end', () => {
      answers += 1;
      if (tempfailEvery && answers % tempfailEvery === 0) {
        refused += 1;
        callback(Object.assign(new Error('busy: try again later'), { responseCode: 451 }));
        return;
      }
      messages += 1;
      bytes += size;
      const id = headerValue(head.split('\r\n\r\n')[0] ?? '', 'Message-ID');
      if (id) messageIds.add(id);
      for (const rcpt of session.envelope.rcptTo) perRecipient.set(rcpt.address, (perRecipient.get(rcpt.address) ?? 0) + 1);
      callback();
    });
  },
});

function stats(): SinkStats {
  let repeated = 0;
  for (const count of perRecipient.values()) if (count > 1) repeated += 1;
  return { messages, bytes, recipients: perRecipient.size, repeated, messageIds: messageIds.size, refused };
}

process.on('message', (message: { type: 'stats' | 'reset' | 'tempfail'; every?: number }) => {
  if (message.type === 'reset') {
    perRecipient.clear();
    messageIds.clear();
    messages = 0;
    bytes = 0;
    answers = 0;
    refused = 0;
  }
  if (message.type === 'tempfail') tempfailEvery = message.every ?? 0;
  process.send!({ type: message.type, stats: stats() });
});
process.on('disconnect', () => server.close(() => process.exit(0)));

process.send!({ type: 'listening', port: await listenOnLoopback(server) });
