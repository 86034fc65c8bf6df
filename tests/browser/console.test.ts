import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/console/audit.js';
import { addOperator } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { seedDatabase } from '../../src/harvest/seed.js';
import { artifactsDir, browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestApp, createDigestHarness, type DigestHarness } from '../helpers/digests.js';
import { addSubscriber } from '../helpers/subscribers.js';
import { recentSite, startModernGovSite } from '../helpers/moderngov-site.js';
import { createSource } from '../../src/harvest/repo.js';
import { signInLinkFor } from '../console/client.js';
import { createPartner, requestFeed } from '../feeds/fixtures.js';
import type { FastifyInstance } from 'fastify';

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
// The screenshots docs/console/ shows: `npm run docs:screenshots` saves them there; the suite writes them to a temporary folder.
const docs = process.env.CONSOLE_SCREENSHOTS_DIR ? `${process.env.CONSOLE_SCREENSHOTS_DIR}/` : `${artifactsDir}console/`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** axe-core in the page (evaluate is not held to the page's CSP): its serious and critical findings. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((result) => result.violations)')) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
}

describe.skipIf(browserSkipReason)('an operator in a browser', () => {
  let database: Database;
  let harness: DigestHarness;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let owner: Page;
  let ownerContext: BrowserContext;
  const checked = new Set<string>();

  /** Goes to a console page and checks it with axe: no serious or critical violation. */
  async function visit(page: Page, path: string) {
    const response = await page.goto(`${base}${path}`);
    await expectAccessible(page);
    return response;
  }

  async function expectAccessible(page: Page) {
    expect(await accessibilityProblems(page), page.url()).toEqual([]);
    checked.add(new URL(page.url()).pathname.replace(/\/\d+(?=\/|$)/g, '/:id'));
  }

  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await expectAccessible(page);
    const before = harness.smtp.to(email).length;
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    await expectAccessible(page);
    const link = await signInLinkFor(harness.smtp, email, before);
    await page.goto(`${base}${link}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin`);
    return page;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDatabase(database.db);
    harness = await createDigestHarness(database);
    app = await createDigestApp(database, harness);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await addOperator(database.db, { email: 'olivia@council.example.org', role: 'owner' });
    await addOperator(database.db, { email: 'victor@council.example.org', role: 'viewer' });
    await addSubscriber(database.db, { email: 'carer@example.org', filters: { topics: ['care-leavers'] } });
    await addSubscriber(database.db, { email: 'roads@example.org', filters: { keywords: ['pothole'] } });
    await addSubscriber(database.db, { email: 'everything@example.org' });
    browser = await launchBrowser();
    await mkdir(docs, { recursive: true });
    ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  });

  it('signs in by the emailed link and lands on the dashboard', async () => {
    owner = await signIn(ownerContext, 'olivia@council.example.org');
    await expect(owner.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Dashboard');
    await expect(owner.locator('.who').textContent()).resolves.toContain('olivia@council.example.org');
    await expectAccessible(owner);
  });

  it('starts a dry run after seeing who would receive it, and watches it finish', async () => {
    await visit(owner, '/admin/runs');
    await owner.getByLabel('Any day of the week').fill('2025-06-16');
    await owner.getByRole('button', { name: 'Check before starting' }).click();
    await expectAccessible(owner);
    await expect(owner.locator('.confirm').textContent()).resolves.toMatch(/2\s+subscribers will have a digest built.*1\s+will be skipped/s);
    await owner.getByRole('button', { name: 'Start the dry run' }).click();
    await owner.waitForURL(/\/admin\/runs\/\d+$/);
    await owner.getByText('completed', { exact: true }).first().waitFor({ timeout: 20_000 });
    await expect(owner.locator('[data-field="skipped"]').textContent()).resolves.toBe('1');
    await expectAccessible(owner);
    await owner.screenshot({ path: `${docs}run.png`, fullPage: true });
  });

  it('previews a digest and sends a test copy to the operator', async () => {
    await visit(owner, '/admin/preview');
    await owner.getByLabel('Any day of the week').fill('2025-06-16');
    await owner.getByLabel("A subscriber's address").fill('carer@example.org');
    await owner.getByRole('button', { name: 'Preview', exact: true }).click();
    const frame = owner.frameLocator('iframe.preview-frame');
    await frame.locator('body').waitFor();
    await expect(frame.locator('body').textContent()).resolves.toContain('Care Leavers');
    await expectAccessible(owner);
    // The subject at the top of the picture, the digest's frame below it.
    await owner.evaluate("document.querySelector('main h2').scrollIntoView()");
    await owner.screenshot({ path: `${docs}preview.png` });
    const before = harness.smtp.to('olivia@council.example.org').length;
    await owner.getByRole('button', { name: /Send a test to/ }).click();
    await expect(owner.getByRole('status').first().textContent()).resolves.toContain('Sent a test copy to olivia@council.example.org');
    await harness.smtp.waitFor(harness.smtp.messages.length);
    expect(harness.smtp.to('olivia@council.example.org').length).toBe(before + 1);
  });

  it('approves a feed request with a note', async () => {
    const partner = await createPartner(app, 'Browser Trust');
    const { feed } = await requestFeed(app, partner.key, { name: 'Care leavers across the county', topics: ['care-leavers'], recipients: ['lead@browser-trust.example.org'] });
    await visit(owner, '/admin/feeds');
    await owner.getByLabel('Note to the partner (optional)').fill('Approved for the pilot');
    await owner.getByRole('button', { name: 'Approve' }).click();
    await expect(owner.getByRole('status').first().textContent()).resolves.toContain('is approved');
    await expectAccessible(owner);
    expect((await listAudit(database.db, { limit: 1 }))[0]).toMatchObject({ action: 'feed.approve', objectId: feed.id });
  });

  it('edits a topic after seeing what it would tag and untag', async () => {
    await visit(owner, '/admin/topics');
    await visit(owner, '/admin/topics/care-leavers');
    const rules = await owner.getByLabel(/Terms, one a line/).inputValue();
    await owner.getByLabel(/Terms, one a line/).fill(`${rules}\nparking: 3`);
    await owner.getByRole('button', { name: 'Show what this would change' }).click();
    await expect(owner.locator('.confirm').textContent()).resolves.toMatch(/would tag \d+ more sections? and untag \d+/);
    await expectAccessible(owner);
    await owner.getByRole('button', { name: 'Save and retag every meeting' }).click();
    await expect(owner.getByRole('status').first().textContent()).resolves.toContain('Saved Care leavers and retagged');
  });

  it('erases a subscriber after confirming', async () => {
    await visit(owner, '/admin/subscribers');
    await owner.getByLabel('Address contains').fill('roads');
    await owner.getByRole('button', { name: 'Search' }).click();
    await owner.getByRole('link', { name: 'roads@example.org' }).click();
    await expectAccessible(owner);
    await owner.getByRole('link', { name: 'Erase…' }).click();
    await expectAccessible(owner);
    await owner.getByLabel(/Also put the address on the suppression list/).check();
    await owner.getByRole('button', { name: 'Erase for good' }).click();
    await expect(owner.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Subscriber #\d+ erased/);
    await visit(owner, '/admin/subscribers/suppressions');
    await expect(owner.locator('main').textContent()).resolves.toContain('roads@example.org');
  });

  it('checks a council site and records the council\'s permission despite robots.txt', async () => {
    const site = await startModernGovSite({ answers: recentSite() });
    try {
      const { id } = await createSource(database.db, { council: 'Browsed Borough Council', kind: 'moderngov', url: site.url });
      await visit(owner, '/admin/sources');
      const card = owner.locator(`#source-${id}`);
      await card.getByRole('button', { name: 'Check now' }).click();
      await owner.waitForURL(`${base}/admin/sources#source-${id}`);
      await expect(card.textContent()).resolves.toMatch(/Recent meeting: Cabinet, \d{4}-\d{2}-\d{2} \(id 202\): 2 items, 3 papers/);
      await card.getByLabel('Permission despite robots.txt: who at the council, and when').fill('Jo Bloggs, Democratic Services, 3 March 2026');
      await card.getByRole('button', { name: 'Record permission' }).click();
      await owner.waitForURL(`${base}/admin/sources#source-${id}`);
      await expect(card.textContent()).resolves.toContain('Jo Bloggs, Democratic Services, 3 March 2026 recorded');
      await expectAccessible(owner);
      expect((await listAudit(database.db, { limit: 1 }))[0]).toMatchObject({ action: 'source.robots-permission', objectId: String(id) });
      await card.screenshot({ path: `${docs}sources.png` });
    } finally {
      await site.close();
    }
  });

  it('refuses a viewer an action, and shows them addresses masked', async () => {
    const viewer = await signIn(await browser.newContext({ viewport: { width: 390, height: 844 } }), 'victor@council.example.org');
    await visit(viewer, '/admin/subscribers');
    await expect(viewer.locator('main').textContent()).resolves.toContain('c***@example.org');
    await expect(viewer.getByRole('button', { name: 'Check before starting' }).count()).resolves.toBe(0);
    const refused = await visit(viewer, '/admin/runs/new?week=2025-06-16&dryRun=1');
    expect(refused?.status()).toBe(403);
    await expect(viewer.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("You can't do that");
    await viewer.screenshot({ path: `${docs}viewer-refused-phone.png` });
  });

  it('passes axe on every other page, and fits a phone', async () => {
    const runId = (await owner.goto(`${base}/admin/runs`)) && /\/admin\/runs\/(\d+)/.exec(await owner.content())![1];
    for (const path of [
      '/admin',
      `/admin/runs/${runId}`,
      '/admin/subscribers/1',
      '/admin/partners',
      '/admin/meetings',
      '/admin/meetings/import',
      '/admin/audit',
      '/admin/operators',
      '/admin/tokens',
    ]) {
      await visit(owner, path);
    }
    await owner.screenshot({ path: `${docs}audit.png` });
    await visit(owner, '/admin');
    await owner.screenshot({ path: `${docs}dashboard.png`, fullPage: true });
    const phone = await ownerContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/admin`);
    await expectAccessible(phone);
    expect(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await phone.screenshot({ path: `${docs}dashboard-phone.png`, fullPage: true });
    const pages = ['/admin', '/admin/sign-in', '/admin/runs', '/admin/runs/new', '/admin/runs/:id', '/admin/preview', '/admin/subscribers', '/admin/subscribers/:id', '/admin/subscribers/:id/erase', '/admin/subscribers/suppressions', '/admin/feeds', '/admin/partners', '/admin/topics', '/admin/topics/care-leavers', '/admin/meetings', '/admin/meetings/import', '/admin/sources', '/admin/audit', '/admin/operators', '/admin/tokens'];
    expect(pages.filter((path) => !checked.has(path))).toEqual([]);
  });
});
