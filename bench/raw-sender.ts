import { once } from 'node:events';
import { quotedPrintable } from '../src/mail/quoted-printable.js';
import { createSmtpMailer } from '../src/mail/transport.js';

/** One of the run's rendered digests, as the raw test sends it. */
export interface RawMessage {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * One raw sender (bench/measure.ts starts as many as the run has workers):
 * the given messages, cycled, straight through the project's pooled
 * nodemailer transport to the sink, to distinct recipients. Their bodies are
 * quoted-printable encoded before 'go', so each send takes the transport's
 * quickest way, a message from a frame (src/mail/frame.ts), as a digest's
 * does: the ceiling is SMTP's, not composing's (`composed`: nodemailer
 * composes each whole, the ceiling the figures before frames were taken
 * against). It connects first, says
 * 'ready', sends on 'go' and says 'done'.
 */
interface Orders {
  url: string;
  from: string;
  messages: RawMessage[];
  /** This sender's share, and where its recipient numbers start. */
  count: number;
  first: number;
  inFlight: number;
  /** Bodies left to nodemailer to encode and compose, as a mail without encoded bodies goes (the ceiling before frames). */
  composed: boolean;
}

// A failure rejects unhandled and ends this process, which bench/measure.ts sees as the child exiting.
process.once('message', (orders: Orders) => void sendWhenTold(orders));

async function sendWhenTold(orders: Orders): Promise<void> {
  const mailer = createSmtpMailer({ url: orders.url, from: orders.from, maxConnections: orders.inFlight });
  const messages = orders.composed
    ? orders.messages
    : orders.messages.map((message) => ({ ...message, encoded: { html: quotedPrintable(message.html), text: quotedPrintable(message.text) } }));
  const send = (index: number) =>
    mailer.send({ ...messages[index % messages.length]!, to: `raw-${index}@bench.example`, messageId: `<raw.${index}@bench.example>` });
  // One message per connection first, so 'go' measures sending, not connecting.
  await Promise.all(Array.from({ length: orders.inFlight }, (_, lane) => send(orders.first + orders.count + lane)));
  process.send!({ type: 'ready' });
  await once(process, 'message');
  let next = 0;
  await Promise.all(
    Array.from({ length: orders.inFlight }, async () => {
      while (next < orders.count) await send(orders.first + next++);
    }),
  );
  process.send!({ type: 'done' });
  await mailer.close();
  process.disconnect();
}
