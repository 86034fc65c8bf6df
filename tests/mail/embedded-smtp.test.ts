import { mkdtemp, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedSmtp } from '../../src/mail/embedded-smtp.js';
import { createSmtpMailer } from '../../src/mail/transport.js';

it('keeps serving when senders reset their connections (a killed worker), and still takes mail', async () => {
  const smtp = await startEmbeddedSmtp(await mkdtemp(path.join(tmpdir(), 'cd-embedded-')));
  afterAll(() => smtp.close());
  const port = Number(new URL(smtp.url).port);
  // Each client is killed halfway through a message: a TCP reset mid-DATA, which smtp-server reports as an 'error'.
  for (let client = 0; client < 3; client += 1) {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const script = ['EHLO worker\r\n', 'MAIL FROM:<digest@example.org>\r\n', 'RCPT TO:<a@example.org>\r\n', 'DATA\r\n', 'Subject: half\r\n\r\nhalf a mess'];
      socket.on('data', () => {
        const next = script.shift();
        if (next === undefined) return;
        socket.write(next);
        if (script.length === 0) setTimeout(() => (socket.resetAndDestroy(), resolve()), 20);
      });
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const mailer = createSmtpMailer({ url: smtp.url, from: 'Council Digest <digest@example.org>' });
  await mailer.send({ to: 'resident@example.org', subject: 'Still here', html: '<p>Sent after three resets.</p>', text: 'Sent after three resets.' });
  await mailer.close();
  expect((await readdir(smtp.outboxDir)).filter((name) => name.endsWith('.eml'))).toHaveLength(1);
});
