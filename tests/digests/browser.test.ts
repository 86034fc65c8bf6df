import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { previewDigest } from '../../src/digests/preview.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { tokenSecret } from '../helpers/app.js';
import { browserSkipReason, launchBrowser, screenshot } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/db.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { testTemplates } from '../helpers/templates.js';

describe.skipIf(browserSkipReason)('a rendered digest in Chromium', () => {
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    await seedDatabase(database.db);
    await addSubscriber(database.db, { email: 'everything@example.org' });
    const preview = await previewDigest(
      {
        db: database.db,
        templates: await testTemplates(),
        mail: { baseUrl: 'https://digest.example.org', mailFrom: 'Council Digest <digest@example.org>', tokenSecret },
        zone: 'Europe/London',
        now: () => new Date(),
      },
      { email: 'everything@example.org' },
      '2025-09-08',
    );
    html = preview!.rendered!.html;
    browser = await launchBrowser();
  });

  // Saved to the artifacts folder (tests/helpers/browser.ts) for a person to look at; the checks catch the worst by themselves.
  for (const [device, width] of [['desktop', 800], ['phone', 375]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`reads on a ${device} (${width}px) in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
        await page.setContent(html);
        await screenshot(page, `digest-${device}-${scheme}`);
        // A string, evaluated in the page: this project's TypeScript has no DOM types.
        const layout = (await page.evaluate(`(() => {
          const luminance = (color) => {
            const [r, g, b] = color.match(/\\d+/g).map(Number);
            return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
          };
          const heading = document.querySelector('h2');
          const card = heading.closest('.cd-card table') || heading.closest('.cd-card');
          return {
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            page: luminance(getComputedStyle(document.body).backgroundColor),
            card: luminance(getComputedStyle(card).backgroundColor),
            text: luminance(getComputedStyle(heading).color),
          };
        })()`)) as { overflow: number; page: number; card: number; text: number };
        expect(layout.overflow).toBeLessThanOrEqual(0);
        if (scheme === 'dark') {
          expect(layout.page).toBeLessThan(0.2);
          expect(layout.card).toBeLessThan(0.3);
          expect(layout.text).toBeGreaterThan(0.7);
        } else {
          expect(layout.page).toBeGreaterThan(0.9);
          expect(layout.text).toBeLessThan(0.2);
        }
        await page.close();
      });
    }
  }
});
