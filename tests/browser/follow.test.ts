import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { follows } from '../../src/db/schema/index.js';
import { followItemPath, sectionFollowKey } from '../../src/follows/item.js';
import { importRecords } from '../../src/meetings/import.js';
import { loadMeetingViews } from '../../src/meetings/queries.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { subscriberLinks } from '../../src/subscribers/links.js';
import { tokenSecret } from '../helpers/app.js';
import { browserSkipReason, launchBrowser, screenshot, startListeningApp, type ListeningApp } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber, type SubscriberRow } from '../helpers/subscribers.js';

describe.skipIf(browserSkipReason)('following an item in a browser', () => {
  let database: Database;
  let served: ListeningApp;
  let browser: Browser;
  let page: Page;
  let reader: SubscriberRow;
  let followUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCouncils(database.db);
    const [stored] = await importRecords(database.db, [
      {
        council: 'Stevenage Borough Council',
        committee: 'Planning and Development Committee',
        status: 'scheduled',
        startsAt: '2025-11-04T18:30:00Z',
        sections: [{ heading: 'Land at Kings Way', number: '3.', agenda: [{ type: 'paragraph', text: 'Application 25/00912/FULM: 120 homes.' }] }],
      },
    ]);
    const [view] = await loadMeetingViews(database.db, [stored!.id]);
    reader = await addSubscriber(database.db);
    followUrl = subscriberLinks('', tokenSecret, reader).follow(followItemPath(stored!.id, sectionFollowKey(view!.sections[0]!, view!.council.slug)!));
    served = await startListeningApp(database);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('says what will be followed, follows with one press, and is removed again in the preference centre', async () => {
    await page.goto(`${served.baseUrl}${followUrl}`);
    await expect(page.title()).resolves.toContain('Follow this item?');
    await expect(page.locator('main').textContent()).resolves.toContain('We will look for items mentioning 25/00912/FULM.');
    await expect(page.getByLabel('Email me when an agenda lists it').isChecked()).resolves.toBe(true);
    await screenshot(page, 'follow-1-confirm');
    expect(await database.db.select().from(follows)).toEqual([]);

    await page.getByRole('button', { name: 'Follow this item' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe("You're following this item");
    expect(await database.db.select().from(follows).where(eq(follows.subscriberId, reader.id))).toMatchObject([{ kind: 'reference', value: '25/00912/FULM', alerts: true }]);

    await page.getByRole('link', { name: 'See and change what you follow' }).click();
    await expect(page.locator('#follows').textContent()).resolves.toBe('Items you follow');
    await expect(page.locator('ul.follows').textContent()).resolves.toContain('Land at Kings Way');
    await screenshot(page, 'follow-2-preferences');
    await page.getByRole('button', { name: 'Stop following' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('You no longer follow that item.');
    expect(await database.db.select().from(follows)).toEqual([]);
  });
});
