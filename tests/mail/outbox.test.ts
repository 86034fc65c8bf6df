import { describe, expect, it } from 'vitest';
import { sendMail, undelivered } from '../../src/mail/outbox.js';
import { readReturnPath } from '../../src/mail/return-path.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { tokenSecret } from '../helpers/app.js';
import { startSmtpSink } from '../helpers/smtp.js';

const returnPaths = { tokenSecret, bounceDomain: 'bounces.example.org' };
const mail = { subject: 'Hello', html: '<p>Hello</p>', text: 'Hello' };
const refusal = (code: number) => Object.assign(new Error(`${code} not now`), { responseCode: code });

describe('the outbox', () => {
  it('sends each mail with the return path naming its recipient and the mail', async () => {
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: sink.url, from: 'Council Digest <digest@example.org>' });
    const ref = { kind: 'subscriber-mail' as const, recipientId: 7, mailId: 42 };
    const sent = await sendMail(mailer, returnPaths, { to: 'resident@example.org', ...mail }, ref);
    expect(sent.response).toMatch(/^250/);
    const [received] = await sink.waitFor(1);
    expect(readReturnPath(returnPaths, received!.envelope.from)).toEqual(ref);
    await mailer.close();
  });

  it('counts a 5xx as a hard bounce, with the answer for its note, and says whether the address is now suppressed', async () => {
    const notes: string[] = [];
    const failure = await undelivered(refusal(550), async (answer) => notes.push(answer) > 0);
    expect(failure).toEqual({ permanent: true, message: '550 not now', suppressed: true });
    expect(notes).toEqual(['550 not now']);
  });

  it('counts nothing for a 4xx, a dropped connection or any other error: each is for a retry', async () => {
    const count = () => Promise.reject(new Error('not to be counted'));
    expect(await undelivered(refusal(451), count)).toEqual({ permanent: false, message: '451 not now' });
    expect(await undelivered(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }), count)).toEqual({ permanent: false, message: 'Connection closed' });
    expect(await undelivered('no template', count)).toEqual({ permanent: false, message: 'no template' });
  });
});
