import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import { addOperator, removeOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { createTestAppWithMail } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import type { SmtpSink } from '../helpers/smtp.js';
import { ConsoleClient, signedIn, signInLinkFor } from './client.js';

let database: Database;
let app: FastifyInstance;
let smtp: SmtpSink;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, smtp } = await createTestAppWithMail(database, { CONSOLE_SIGN_IN_PER_ADDRESS: '10', CONSOLE_SIGN_IN_PER_IP: '100' }));
  await addOperator(database.db, { email: 'olga@council.example.org', role: 'operator' });
});

describe('signing in to the console', () => {
  it('sends a browser without a session to the sign-in page', async () => {
    const response = await new ConsoleClient(app).get('/admin');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/sign-in');
  });

  it('answers the same page whether or not the address is an operator, and mails only the operator', async () => {
    const client = new ConsoleClient(app);
    await client.get('/admin/sign-in');
    const before = smtp.messages.length;
    const operatorMails = smtp.to('olga@council.example.org').length;
    const stranger = await client.post('/admin/sign-in', { email: 'stranger@example.org' });
    const operator = await client.post('/admin/sign-in', { email: 'olga@council.example.org' });
    expect(stranger.statusCode).toBe(200);
    expect(stranger.body.replace(/name="_csrf" value="[^"]+"/, '')).toBe(operator.body.replace(/name="_csrf" value="[^"]+"/, ''));
    await signInLinkFor(smtp, 'olga@council.example.org', operatorMails);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.slice(before).map((mail) => mail.envelope.to).flat()).toEqual(['olga@council.example.org']);
  });

  it('signs in by the emailed link once, with an HttpOnly, SameSite=Lax session cookie for /admin only', async () => {
    const client = new ConsoleClient(app);
    await client.get('/admin/sign-in');
    const before = smtp.to('olga@council.example.org').length;
    await client.post('/admin/sign-in', { email: 'olga@council.example.org' });
    const link = await signInLinkFor(smtp, 'olga@council.example.org', before);
    const landing = await client.get(link);
    expect(landing.body).toContain('Sign in');
    const done = await client.post(link);
    expect(done.statusCode).toBe(303);
    const cookie = [done.headers['set-cookie']].flat().map(String).find((each) => each.startsWith('cd_console='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/admin/);
    const dashboard = await client.get('/admin');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('olga@council.example.org');

    const again = new ConsoleClient(app);
    await again.get(link);
    expect((await again.post(link)).statusCode).toBe(400);
  });

  it('marks the cookie Secure behind https', async () => {
    const client = new ConsoleClient(app, { 'x-forwarded-proto': 'https' });
    await client.get('/admin/sign-in');
    const before = smtp.to('olga@council.example.org').length;
    await client.post('/admin/sign-in', { email: 'olga@council.example.org' });
    const link = await signInLinkFor(smtp, 'olga@council.example.org', before);
    await client.get(link);
    const done = await client.post(link);
    const cookies = [done.headers['set-cookie']].flat().map(String);
    expect(cookies.find((cookie) => cookie.startsWith('cd_console='))).toMatch(/; Secure/);
  });

  it('refuses a form post without its CSRF token, and changes nothing', async () => {
    const client = await signedIn(app, smtp, 'olga@council.example.org');
    const forged = await client.post('/admin/sign-out', {}, { csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect((await client.get('/admin')).statusCode).toBe(200);
  });

  it('ends the session at sign-out, and records the sign-in and the sign-out', async () => {
    const client = await signedIn(app, smtp, 'olga@council.example.org');
    const cookie = client.cookies.get('cd_console')!;
    await client.get('/admin');
    expect((await client.post('/admin/sign-out')).statusCode).toBe(200);
    const replayed = await app.inject({ method: 'GET', url: '/admin', headers: { cookie: `cd_console=${cookie}` } });
    expect(replayed.statusCode).toBe(303);
    const actions = (await listAudit(database.db, { limit: 2 })).map((row) => `${row.actor} ${row.action}`);
    expect(actions).toEqual(['olga@council.example.org session.sign-out', 'olga@council.example.org session.sign-in']);
  });

  it('ends every session of an operator who is removed', async () => {
    await addOperator(database.db, { email: 'leaving@council.example.org', role: 'owner' });
    const client = await signedIn(app, smtp, 'leaving@council.example.org');
    expect((await client.get('/admin')).statusCode).toBe(200);
    await removeOperator(database.db, 'leaving@council.example.org');
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('limits sign-in requests per address, whoever asks', async () => {
    const client = new ConsoleClient(app);
    await client.get('/admin/sign-in');
    const answers = [];
    for (let n = 0; n < 11; n += 1) answers.push((await client.post('/admin/sign-in', { email: n % 2 ? 'Limited@example.org' : 'limited@example.org ' })).statusCode);
    expect(answers).toEqual([...Array(10).fill(200), 429]);
  });
});
