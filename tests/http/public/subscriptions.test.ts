import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { subscriberEmails, subscribers } from '../../../src/db/schema/index.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { emailKey } from '../../../src/subscribers/email.js';
import { adminHeaders, createTestAppWithMail } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import type { SmtpSink } from '../../helpers/smtp.js';
import { linkIn, pageText } from '../../subscribers/helpers.js';

let app: FastifyInstance;
let smtp: SmtpSink;
let database: Database;

function subscribe(body: object, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/subscriptions', payload: body, headers });
}

async function rowFor(emailKey: string) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row;
}

/** The mail captured for one address, however its case or domain was spelled. */
function mailTo(address: string) {
  return smtp.messages.filter((message) => message.envelope.to.some((to) => emailKey(to) === emailKey(address)));
}

/** Waits for message number `already` (from 0) to one address. */
async function nextMailTo(address: string, already = 0) {
  const deadline = Date.now() + 5000;
  while (mailTo(address).length <= already) {
    if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return mailTo(address)[already]!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  ({ app, smtp } = await createTestAppWithMail(database, { SIGNUP_RATE_LIMIT_PER_IP: '1000' }));
});

describe('POST /api/subscriptions', () => {
  it('stores a new address as pending and mails a confirmation link that makes it active', async () => {
    const response = await subscribe({ email: 'ada@example.org', topics: ['care-leavers'], keywords: ['Household Support Fund'] });
    expect(response.statusCode).toBe(202);
    expect(await rowFor('ada@example.org')).toMatchObject({ status: 'pending', topics: ['care-leavers'], keywords: ['household support fund'], consentSource: 'api' });

    const mail = await nextMailTo('ada@example.org');
    expect(mail.parsed.subject).toBe('Confirm your Council Digest subscription');
    expect(mail.parsed.html).toContain('Confirm my subscription');
    expect(mail.parsed.text).toMatch(/Topics: Care leavers/);

    const confirm = await app.inject({ method: 'GET', url: linkIn(mail, 'confirm') });
    expect(confirm.statusCode).toBe(200);
    expect(pageText(confirm.body)).toContain("You're subscribed");
    const row = await rowFor('ada@example.org');
    expect(row).toMatchObject({ status: 'active' });
    expect(row!.confirmedAt).toBeInstanceOf(Date);
  });

  it('treats a second click on the confirmation link as a friendly page, not an error', async () => {
    const again = await app.inject({ method: 'GET', url: linkIn(mailTo('ada@example.org')[0]!, 'confirm') });
    expect(again.statusCode).toBe(200);
    expect(pageText(again.body)).toContain('already confirmed');
  });

  it('answers a known address exactly like a new one and mails it a manage link instead', async () => {
    const known = await subscribe({ email: 'ADA@example.org', topics: ['housing'] });
    const fresh = await subscribe({ email: 'brand-new@example.org', topics: ['housing'] });
    expect(known.statusCode).toBe(fresh.statusCode);
    expect(known.body).toBe(fresh.body);
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(fresh.headers).sort());

    // Mail goes to the address as first confirmed, never to a new spelling of it.
    const manage = await nextMailTo('ada@example.org', 1);
    expect(manage.parsed.subject).toBe('Your Council Digest subscription');
    expect(linkIn(manage, 'preferences')).toMatch(/^\/preferences\//);
    // Nothing about the known subscription changed.
    expect(await rowFor('ada@example.org')).toMatchObject({ status: 'active', topics: ['care-leavers'] });
    expect((await nextMailTo('brand-new@example.org')).parsed.subject).toMatch(/^Confirm/);
  });

  it('mails a pending address a fresh confirmation with its latest choices', async () => {
    await subscribe({ email: 'twice@example.org', topics: ['housing'] });
    await subscribe({ email: 'twice@example.org', topics: ['transport'] });
    await nextMailTo('twice@example.org', 1);
    // The two jobs may finish in either order: the second request's mail is the one recorded later (its Message-ID says when).
    const recordedAt = (mail: ReturnType<typeof mailTo>[number]) => Number(/^<confirm\.[^.]+\.(\d+)@/.exec(mail.parsed.messageId ?? '')?.[1]);
    const [second] = mailTo('twice@example.org').sort((a, b) => recordedAt(b) - recordedAt(a));
    expect(recordedAt(second!)).toBeGreaterThan(0);
    expect(second!.parsed.subject).toMatch(/^Confirm/);
    expect(second!.parsed.text).toContain('Transport');
    expect(await rowFor('twice@example.org')).toMatchObject({ status: 'pending', topics: ['transport'] });
  });

  it('answers unknown councils, committees and topics with 422 listing the valid ones', async () => {
    const response = await subscribe({ email: 'typo@example.org', councils: ['atlantis'], committees: ['nope'], topics: ['care-leaver'] });
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.code).toBe('unprocessable');
    expect(error.message).toContain('Valid topics: ');
    expect(error.message).toContain('care-leavers');
    expect(error.fields.map((field: { path: string }) => field.path)).toEqual(['body.councils', 'body.committees', 'body.topics']);
    expect(error.fields[0].message).toMatch(/valid: .*\bhertfordshire\b/);
    expect(await rowFor('typo@example.org')).toBeUndefined();
  });

  it('checks committees against the chosen councils', async () => {
    const response = await subscribe({ email: 'herts@example.org', councils: ['hertfordshire'], committees: ['county-council'] });
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['a line break', 'eve@example.org\r\nBcc: victim@example.org', 'line breaks'],
    ['no domain', 'eve@', 'name@example.org'],
    ['no @ at all', 'eve.example.org', 'name@example.org'],
    ['too many characters', `${'a'.repeat(60)}@${'b'.repeat(200)}.example.org`, '254'],
    ['a domain without a dot', 'eve@localhost', 'not a valid domain'],
  ])('refuses an address with %s (400, naming the field)', async (_case, email, message) => {
    const response = await subscribe({ email });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.email', message: expect.stringContaining(message) }]);
  });

  it('refuses a body that is not a sign-up with 400', async () => {
    const response = await subscribe({ email: 42, topics: 'housing' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
  });

  it('refuses an oversized body with 413 in the error shape', async () => {
    const response = await subscribe({ email: 'big@example.org', keywords: ['x'.repeat(20_000)] });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });

  it('treats an IDN domain and its punycode, in any case, as one address', async () => {
    await subscribe({ email: 'Anna@Bücher.example' });
    const first = await nextMailTo('Anna@xn--bcher-kva.example');
    expect(first.parsed.subject).toMatch(/^Confirm/);
    await app.inject({ method: 'GET', url: linkIn(first, 'confirm') });

    await subscribe({ email: 'anna@XN--BCHER-KVA.example' });
    expect((await nextMailTo('anna@xn--bcher-kva.example', 1)).parsed.subject).toBe('Your Council Digest subscription');
    const rows = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, 'anna@xn--bcher-kva.example'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.email).toBe('Anna@Bücher.example');
  });

  it('never mails a suppressed address, and answers it like any other', async () => {
    await app.inject({ method: 'POST', url: '/api/admin/suppressions', headers: adminHeaders, payload: { email: 'Bounced@Example.org', reason: 'hard_bounce' } });
    const suppressed = await subscribe({ email: 'bounced@example.org' });
    const normal = await subscribe({ email: 'fine@example.org' });
    expect(suppressed.statusCode).toBe(202);
    expect(suppressed.body).toBe(normal.body);
    await nextMailTo('fine@example.org');
    expect(mailTo('bounced@example.org')).toHaveLength(0);
    expect(await rowFor('bounced@example.org')).toBeUndefined();
  });

  it('mails one address at most SIGNUP_RATE_LIMIT_PER_ADDRESS times an hour, answering every request the same', async () => {
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt += 1) answers.push((await subscribe({ email: 'target@example.org' })).statusCode);
    expect(answers).toEqual([202, 202, 202, 202, 202]);
    await nextMailTo('target@example.org', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailTo('target@example.org')).toHaveLength(3);
    const row = await rowFor('target@example.org');
    expect(await database.db.select().from(subscriberEmails).where(eq(subscriberEmails.subscriberId, row!.id))).toHaveLength(3);
  });
});

describe('sign-up rate limit per IP', () => {
  it('answers 429 in the error shape once an IP has used up its sign-ups', async () => {
    const limited = await createTestAppWithMail(database, { SIGNUP_RATE_LIMIT_PER_IP: '2' });
    const post = (email: string) =>
      limited.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email }, remoteAddress: '203.0.113.9' });
    expect((await post('one@example.org')).statusCode).toBe(202);
    expect((await post('two@example.org')).statusCode).toBe(202);
    const third = await post('three@example.org');
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('try again in') });
    expect(third.headers['retry-after']).toBeDefined();
    // Another client is not affected.
    const other = await limited.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'four@example.org' }, remoteAddress: '198.51.100.7' });
    expect(other.statusCode).toBe(202);
  });
});
