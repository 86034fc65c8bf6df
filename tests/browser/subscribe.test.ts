import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { subscribers } from '../../src/db/schema/index.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { tokenSecret } from '../helpers/app.js';
import { browserSkipReason, launchBrowser, screenshot, startListeningApp, type ListeningApp } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/db.js';
import { linkIn } from '../subscribers/helpers.js';

describe.skipIf(browserSkipReason)('a resident in a browser', () => {
  let database: Database;
  let served: ListeningApp;
  let browser: Browser;
  let page: Page;
  const email = 'resident@example.org';

  const subscriber = async () => (await database.db.select().from(subscribers).where(eq(subscribers.emailKey, email)))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDatabase(database.db);
    served = await startListeningApp(database);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  });

  it("finds a council's calendar on the sign-up page, folded under the council, as webcal:// and .ics", async () => {
    await page.goto(`${served.baseUrl}/`);
    const council = page.getByRole('link', { name: 'All Dacorum Borough Council meetings', exact: true });
    await expect(council.isVisible()).resolves.toBe(false);
    await page.locator('details.council-calendars summary', { hasText: 'Dacorum Borough Council' }).click();
    await expect(council.isVisible()).resolves.toBe(true);
    await expect(council.getAttribute('href')).resolves.toBe('webcal://digest.example.org/calendar/councils/dacorum.ics');
    const ics = await page.getByRole('link', { name: 'All Dacorum Borough Council meetings: calendar address (.ics)' }).getAttribute('href');
    const feed = await page.request.get(`${served.baseUrl}${new URL(ics!).pathname}`);
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  });

  it('signs up on the page', async () => {
    await page.goto(`${served.baseUrl}/`);
    await expect(page.title()).resolves.toContain('Get a weekly summary of council meetings');
    await screenshot(page, '1-sign-up');

    // Browsers let "name@localhost" through type=email; the server explains what is wrong and keeps the choices.
    await page.getByLabel('Email address').fill('resident@localhost');
    await page.getByLabel('Housing').check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The part after @ is not a valid domain');
    // evaluate() is given strings: they run in the page, and the test project has no DOM types.
    await expect(page.evaluate('document.activeElement?.className')).resolves.toBe('error-summary');
    await expect(page.getByLabel('Housing').isChecked()).resolves.toBe(true);
    await screenshot(page, '2-sign-up-error');

    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Transport').check();
    await page.getByLabel('Keywords (optional)').fill('bus lanes, school transport');
    await page.getByLabel('Email address').focus();
    await screenshot(page, '2-sign-up-filled');
    await page.getByRole('button', { name: 'Subscribe' }).click();

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    await screenshot(page, '3-check-inbox');
    expect(await subscriber()).toMatchObject({ status: 'pending', topics: ['housing', 'transport'], keywords: ['bus lanes', 'school transport'] });
  });

  it('opens the confirmation link from the mail', async () => {
    const [mail] = await served.smtp.waitFor(1);
    const inbox = await browser.newPage();
    await inbox.setContent(String(mail!.parsed.html));
    await screenshot(inbox, '4-confirmation-email');
    await inbox.close();
    await page.goto(`${served.baseUrl}${linkIn(mail!, 'confirm')}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("You're subscribed");
    await screenshot(page, '4-confirmed-page');
    expect((await subscriber()).status).toBe('active');
  });

  it('changes preferences', async () => {
    await page.getByRole('link', { name: 'Change what you get' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your subscription');
    await screenshot(page, '5-preferences');
    // Their own calendar: one click for calendar apps, the .ics address to paste for the rest.
    const ics = subscriberLinks('https://digest.example.org', tokenSecret, await subscriber()).calendar();
    await expect(page.getByRole('link', { name: 'Subscribe in your calendar app' }).getAttribute('href')).resolves.toBe(ics.replace('https://', 'webcal://'));
    await expect(page.getByRole('link', { name: ics }).isVisible()).resolves.toBe(true);

    await page.getByLabel('Transport').uncheck();
    await page.getByLabel('Care leavers').check();
    await page.getByText('Only some committees? (optional)').click();
    await page.locator('summary', { hasText: 'Hertfordshire County Council' }).click();
    await page.getByLabel("Children's Social Care Cabinet Panel").check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Your choices are saved');
    await screenshot(page, '6-preferences-saved');
    expect(await subscriber()).toMatchObject({ topics: ['care-leavers', 'housing'], committees: ['hertfordshire/childrens-social-care-cabinet-panel'] });

    await page.getByRole('button', { name: 'Pause my digest' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('paused');
    expect((await subscriber()).status).toBe('paused');
    await page.getByRole('button', { name: 'Resume my digest' }).click();
    expect((await subscriber()).status).toBe('active');
  });

  it('unsubscribes with the button on the unsubscribe page, and re-subscribes in one click', async () => {
    // What a digest's unsubscribe link opens.
    await page.goto(`${served.baseUrl}${subscriberLinks('', tokenSecret, await subscriber()).unsubscribe()}`);
    await screenshot(page, '7-unsubscribe');
    expect((await subscriber()).status).toBe('active');

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("You're unsubscribed");
    await screenshot(page, '8-unsubscribed');
    expect((await subscriber()).status).toBe('unsubscribed');

    await page.getByRole('button', { name: 'Re-subscribe' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("You're subscribed again");
    await screenshot(page, '9-resubscribed');
    expect(await subscriber()).toMatchObject({ status: 'active', topics: ['care-leavers', 'housing'] });
  });

  it('explains a link that no longer works, and the form fits a phone', async () => {
    await page.goto(`${served.baseUrl}/preferences/not-a-real-token`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("This link doesn't work");
    await screenshot(page, '10-bad-link');

    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${served.baseUrl}/`);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await screenshot(page, '11-sign-up-phone');
  });
});
