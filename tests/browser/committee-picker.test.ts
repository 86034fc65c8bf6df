import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { browserSkipReason, launchBrowser, screenshot, startListeningApp, type ListeningApp } from '../helpers/browser.js';
import { seedCouncilsWithCommittees } from '../helpers/committees.js';
import { createTestDatabase } from '../helpers/db.js';

describe.skipIf(browserSkipReason)('the committee picker on a phone, without JavaScript', () => {
  let database: Database;
  let served: ListeningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCouncilsWithCommittees(database);
    served = await startListeningApp(database);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false, isMobile: true });
    page = await context.newPage();
  });

  it('finds a committee by name, ticks it and signs up for that council\'s alone', async () => {
    await page.goto(`${served.baseUrl}/`);
    await page.getByLabel('Email address').fill('phone@example.org');
    await page.getByText('Only some committees? (optional)').click();
    await screenshot(page, 'committee-picker-1-folded');
    // Enter in the search box searches; it does not sign up.
    await page.getByLabel('Find a committee or council').fill('planning');
    await page.getByLabel('Find a committee or council').press('Enter');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('11 committees match “planning”.');
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe('phone@example.org');
    await page.locator('#committee-stevenage-planning-committee').check();
    await screenshot(page, 'committee-picker-2-found');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);

    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    const [row] = (await database.db.execute<{ committees: string[] }>(sql`select committees from subscribers where email_key = 'phone@example.org'`)).rows;
    expect(row!.committees).toEqual(['stevenage/planning-committee']);
  });

  it('opens one council to choose among its committees', async () => {
    await page.goto(`${served.baseUrl}/`);
    await page.getByText('Only some committees? (optional)').click();
    await page.getByText('Watford Borough Council (20 committees)').click();
    await expect(page.locator('#committee-watford-cabinet').isVisible()).resolves.toBe(true);
    await expect(page.locator('#committee-dacorum-cabinet').isVisible()).resolves.toBe(false);
  });
});
