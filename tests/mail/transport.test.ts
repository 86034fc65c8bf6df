import { afterAll, expect, it } from 'vitest';
import { createSmtpMailer, isPermanentSmtpError, UnsendableAddressError } from '../../src/mail/transport.js';
import { startSmtpSink } from '../helpers/smtp.js';

const sink = await startSmtpSink();
const mailer = createSmtpMailer({ url: sink.url, from: 'Council Digest <digest@example.org>' });
afterAll(() => mailer.close());

const mail = { subject: 'Confirm', html: '<p>Confirm</p>', text: 'Confirm' };

it.each([
  ['a line separator', 'x\u2028victim@example.org'],
  ['a no-break space', 'z\u00a0victim@example.org'],
  ['a display name', 'Eve <victim@example.org>'],
  ['a list', 'eve@example.org, victim@example.org'],
])('never sends to a stored address that reads as another mailbox (%s): refused for good, before SMTP', async (_name, to) => {
  const sent = mailer.send({ to, ...mail });
  await expect(sent).rejects.toThrow(UnsendableAddressError);
  expect(isPermanentSmtpError(await sent.catch((error: unknown) => error))).toBe(true);
  expect(sink.messages).toEqual([]);
});

it('sends to an address that reads as itself, ASCII or not', async () => {
  await mailer.send({ to: 'resident@example.org', ...mail });
  await mailer.send({ to: 'jos\u00e9@example.org', ...mail });
  await sink.waitFor(2);
  expect(sink.messages.map((message) => message.envelope.to[0])).toEqual(['resident@example.org', 'jos\u00e9@example.org']);
});
