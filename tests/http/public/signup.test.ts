import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { subscribers } from '../../../src/db/schema/index.js';
import { seedDatabase } from '../../../src/harvest/seed.js';
import { createTestAppWithMail } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/db.js';
import type { SmtpSink } from '../../helpers/smtp.js';
import { formActions, formBody, formTokenIn, pageText, postForm, submitFrom } from '../../subscribers/helpers.js';

let app: FastifyInstance;
let smtp: SmtpSink;
let database: Database;

async function rowFor(emailKey: string) {
  const [row] = await database.db.select().from(subscribers).where(eq(subscribers.emailKey, emailKey));
  return row!;
}

async function mailTo(address: string, index = 0) {
  const deadline = Date.now() + 5000;
  while (smtp.to(address).length <= index) {
    if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return smtp.to(address)[index]!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDatabase(database.db);
  ({ app, smtp } = await createTestAppWithMail(database, { SIGNUP_RATE_LIMIT_PER_IP: '1000' }));
});

describe('the sign-up page', () => {
  it('offers councils, committees, topics and keywords in an accessible form that needs no JavaScript', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = response.body;
    expect(page).toContain('<html lang="en-GB">');
    expect(page).toContain('<a class="skip-link" href="#main">');
    expect(page).toContain('<label for="email">Email address</label>');
    expect(page).toMatch(/<input type="email" id="email" name="email"[^>]* autocomplete="email"[^>]* required/);
    for (const legend of ['Councils', 'Committees', 'Topics']) expect(page).toContain(`<legend>${legend}</legend>`);
    expect(page).toContain('<input type="checkbox" id="council-hertfordshire" name="councils" value="hertfordshire"><label for="council-hertfordshire">Hertfordshire County Council</label>');
    expect(page.match(/name="topics"/g)).toHaveLength(20);
    expect(page).toContain('<label for="keywords">');
    expect(page).not.toContain('<script');
    expect(formActions(page)).toEqual(['/subscribe']);
    expect(response.headers['content-security-policy']).toContain("form-action 'self'");
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it("links every council's public calendar feed and each committee's, as webcal:// and .ics, and they answer as calendars", async () => {
    const page = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(page).toContain('<h2 id="calendars">Calendars</h2>');
    expect(page.match(/<details class="council-calendars">/g)).toHaveLength(11);
    const council = 'https://digest.example.org/calendar/councils/hertfordshire.ics';
    const committee = 'https://digest.example.org/calendar/councils/hertfordshire/childrens-social-care-cabinet-panel.ics';
    expect(page).toContain(`<a href="webcal://digest.example.org/calendar/councils/hertfordshire.ics">All Hertfordshire County Council meetings</a>`);
    expect(page).toContain(`<a href="${council}" class="ics" aria-label="All Hertfordshire County Council meetings: calendar address (.ics)">.ics</a>`);
    expect(page).toContain(`<a href="webcal://digest.example.org/calendar/councils/hertfordshire/childrens-social-care-cabinet-panel.ics">Children&#39;s Social Care Cabinet Panel</a>`);
    // Every committee of every council has its own feed: as many .ics links as councils and committees.
    const catalogue = (await app.inject({ method: 'GET', url: '/api/councils' })).json() as { councils: { committees: unknown[] }[] };
    const feeds = catalogue.councils.reduce((count, one) => count + 1 + one.committees.length, 0);
    expect(page.match(/class="ics"/g)).toHaveLength(feeds);
    for (const url of [council, committee]) {
      const response = await app.inject({ method: 'GET', url: new URL(url).pathname });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    }
  });

  it('serves its stylesheet with a visible focus style', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/site.css' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(response.body).toContain(':focus-visible');
  });

  it('sends a GET of the form\'s action (a reload from the address bar) back to the form', async () => {
    const response = await app.inject({ method: 'GET', url: '/subscribe' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
  });

  it('signs up through the form and answers with a check-your-inbox page', async () => {
    const response = await submitFrom(app, '/', '/subscribe', { email: 'form@example.org', topics: ['housing', 'transport'], keywords: 'bus lanes, potholes' });
    expect(response.statusCode).toBe(200);
    expect(pageText(response.body)).toContain('Check your inbox');
    expect(await rowFor('form@example.org')).toMatchObject({ status: 'pending', consentSource: 'form', topics: ['housing', 'transport'], keywords: ['bus lanes', 'potholes'] });
    expect((await mailTo('form@example.org')).parsed.subject).toMatch(/^Confirm/);
  });

  it('shows the form again with an error summary, the choices kept, for a bad address', async () => {
    const response = await submitFrom(app, '/', '/subscribe', { email: 'not-an-address', topics: ['housing'] });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<div class="error-summary" role="alert"');
    expect(response.body).toContain('<a href="#email">');
    expect(response.body).toMatch(/id="email"[^>]*aria-invalid="true"/);
    expect(response.body).toContain('id="topic-housing" name="topics" value="housing" checked');
    expect(response.body).toMatch(/<title>Error: /);
  });

  it('answers an unknown topic with 422 and says to choose from the list', async () => {
    const response = await submitFrom(app, '/', '/subscribe', { email: 'odd@example.org', topics: ['made-up'] });
    expect(response.statusCode).toBe(422);
    expect(pageText(response.body)).toContain("We don't recognise these topics: made-up. Choose from the list");
  });

  it('escapes whatever a visitor typed when showing it back', async () => {
    const response = await submitFrom(app, '/', '/subscribe', { email: '"><script>alert(1)</script>', keywords: '<img src=x onerror=alert(1)>' });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('<script>alert');
    expect(response.body).not.toContain('<img src=x');
    expect(response.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses a post without the form token (403) and stores nothing', async () => {
    const response = await postForm(app, '/subscribe', { email: 'csrf@example.org' });
    expect(response.statusCode).toBe(403);
    expect(pageText(response.body)).toContain('That form has expired');
    expect(await database.db.select().from(subscribers).where(eq(subscribers.emailKey, 'csrf@example.org'))).toHaveLength(0);
  });

  it('refuses a post from another site even with a genuine token (403)', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    const response = await postForm(app, '/subscribe', { _csrf: formTokenIn(page.body, '/subscribe'), email: 'csrf@example.org' }, { origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(pageText(response.body)).toContain('sent from another site');
  });

  it('answers an oversized form with a 413 page', async () => {
    const response = await postForm(app, '/subscribe', { email: 'big@example.org', keywords: 'x'.repeat(40_000) });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('text/html');
    expect(pageText(response.body)).toContain('too much to send');
  });

  it('answers a 429 page once an IP has used up its sign-ups', async () => {
    const limited = await createTestAppWithMail(database, { SIGNUP_RATE_LIMIT_PER_IP: '1' });
    const post = () => limited.app.inject({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: formBody({ email: 'x@example.org' }) });
    await post();
    const response = await post();
    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toContain('text/html');
    expect(pageText(response.body)).toContain('Too many attempts');
  });
});
