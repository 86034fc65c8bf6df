import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { deliveries, subscriberEmails } from '../../src/db/schema/index.js';
import { readReturnPath, readReturnPathToken, returnPathFor, returnPathToken } from '../../src/mail/return-path.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { createTestAppWithMail, tokenSecret } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness, runWeek } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';

const settings = { tokenSecret, bounceDomain: 'bounces.example.org' };
const seededWeek = '2025-09-08';

describe('the return path token', () => {
  it('names the recipient and the mail, and reads back only with the key that signed it', () => {
    const ref = { kind: 'digest' as const, recipientId: 123_456_789, mailId: 9_876_543_210 };
    const address = returnPathFor(settings, ref)!;
    expect(address).toMatch(/^bounces\+d[0-9a-z]+-[0-9a-z]+-[0-9a-f]{20}@bounces\.example\.org$/);
    expect(readReturnPath(settings, address)).toEqual(ref);
    expect(readReturnPath({ ...settings, tokenSecret: `${tokenSecret}x` }, address)).toBeUndefined();
  });

  it('fits in a local part of 64 octets even for the largest ids', () => {
    const token = returnPathToken(tokenSecret, { kind: 'feed-digest', recipientId: Number.MAX_SAFE_INTEGER, mailId: Number.MAX_SAFE_INTEGER });
    expect(`bounces+${token}`.length).toBeLessThanOrEqual(64);
    expect(readReturnPathToken(tokenSecret, token)).toMatchObject({ kind: 'feed-digest', recipientId: Number.MAX_SAFE_INTEGER });
  });

  it('survives a relay that folds the address to upper case', () => {
    const address = returnPathFor(settings, { kind: 'subscriber-mail', recipientId: 7, mailId: 8 })!;
    expect(readReturnPath(settings, `<${address.toUpperCase()}>`)).toEqual({ kind: 'subscriber-mail', recipientId: 7, mailId: 8 });
  });

  it('refuses a token with another recipient, another mail, or a changed mac, and any other domain', () => {
    const token = returnPathToken(tokenSecret, { kind: 'digest', recipientId: 10, mailId: 20 });
    const [payload, mail, mac] = [token.split('-')[0]!, token.split('-')[1]!, token.split('-')[2]!];
    expect(readReturnPathToken(tokenSecret, `d11-${mail}-${mac}`)).toBeUndefined();
    expect(readReturnPathToken(tokenSecret, `${payload}-${mail}1-${mac}`)).toBeUndefined();
    expect(readReturnPathToken(tokenSecret, `f${payload.slice(1)}-${mail}-${mac}`)).toBeUndefined();
    expect(readReturnPathToken(tokenSecret, `${payload}-${mail}-${mac.slice(0, -1)}${mac.endsWith('0') ? '1' : '0'}`)).toBeUndefined();
    expect(readReturnPath(settings, `bounces+${token}@elsewhere.example.org`)).toBeUndefined();
  });

  it('is not made without BOUNCE_DOMAIN', () => {
    expect(returnPathFor({ tokenSecret }, { kind: 'digest', recipientId: 1, mailId: 1 })).toBeUndefined();
  });
});

describe('mail sent with BOUNCE_DOMAIN', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDatabase(database.db);
  });

  it("goes out with a digest's envelope sender naming its subscriber and delivery", async () => {
    const harness = await createDigestHarness(database, { env: { BOUNCE_DOMAIN: 'Bounces.Example.org' } });
    const one = await addSubscriber(database.db, { email: 'one@example.org' });
    const two = await addSubscriber(database.db, { email: 'two@example.org' });
    const run = await runWeek(database, harness, seededWeek);
    expect(run).toMatchObject({ status: 'completed', sent: 2 });
    for (const subscriber of [one, two]) {
      const [mail] = harness.smtp.to(subscriber.email!);
      const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, subscriber.id));
      expect(readReturnPath(settings, mail!.envelope.from)).toEqual({ kind: 'digest', recipientId: subscriber.id, mailId: delivery!.id });
      // The receiving server writes Return-Path from the envelope; the From header is unchanged.
      expect(mail!.parsed.from?.value[0]?.address).toBe('digest@localhost');
    }
  });

  it("goes out with a confirmation's envelope sender naming its subscriber and mail", async () => {
    const { app, smtp } = await createTestAppWithMail(database, { BOUNCE_DOMAIN: 'bounces.example.org' });
    await app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'new@example.org' } });
    const [mail] = await smtp.waitFor(1);
    const [recorded] = await database.db.select().from(subscriberEmails).orderBy(subscriberEmails.id);
    expect(readReturnPath(settings, mail!.envelope.from)).toEqual({ kind: 'subscriber-mail', recipientId: recorded!.subscriberId, mailId: recorded!.id });
  });

  it('goes out from MAIL_FROM as before when BOUNCE_DOMAIN is unset', async () => {
    const harness = await createDigestHarness(database);
    await addSubscriber(database.db, { email: 'plain@example.org' });
    await runWeek(database, harness, '2025-09-01');
    await runWeek(database, harness, '2025-09-15');
    const mails = harness.smtp.messages;
    for (const mail of mails) expect(mail.envelope.from).toBe('digest@localhost');
  });
});
