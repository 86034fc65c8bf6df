import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createTestAppWithMail } from './app.js';
import type { SmtpSink } from './smtp.js';

/** Debian's Chromium; CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const browserMissing = existsSync(chromiumPath)
  ? undefined
  : `no Chromium at ${chromiumPath} (install it: apt-get install -y chromium, or set CHROMIUM_PATH)`;

/**
 * Why the browser tests are skipped here, or undefined when they run. CI sets
 * REQUIRE_BROWSER=1: there a missing Chromium fails them instead (launchBrowser throws).
 */
export const browserSkipReason = browserMissing && !process.env.REQUIRE_BROWSER ? browserMissing : undefined;
if (browserSkipReason) console.warn(`Skipping the browser tests: ${browserSkipReason}`);

/** Where the browser tests save screenshots for a person to look at: a temporary folder, never the clone. */
export const artifactsDir = `${process.env.TEST_ARTIFACTS_DIR ?? path.join(tmpdir(), 'council-digest-test-artifacts')}/`;

export async function launchBrowser(): Promise<Browser> {
  if (browserMissing) throw new Error(`REQUIRE_BROWSER is set but there is ${browserMissing}`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  afterAll(() => browser.close());
  return browser;
}

export interface ListeningApp {
  app: FastifyInstance;
  smtp: SmtpSink;
  /** Where the browser reaches the app, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
}

/**
 * The production app factory listening on a real loopback port, with mail
 * going to an SMTP sink. Mailed links keep PUBLIC_BASE_URL; tests open their
 * paths on `baseUrl`.
 */
export async function startListeningApp(database: Database, env: Record<string, string> = {}): Promise<ListeningApp> {
  const { app, smtp } = await createTestAppWithMail(database, env);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, smtp, baseUrl: `http://127.0.0.1:${port}` };
}

/** Saves a full-page screenshot as <artifactsDir>/<name>.png, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const file = `${artifactsDir}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
