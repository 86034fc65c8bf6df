import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { workOptions } from '../../src/jobs/index.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import { createLogger } from '../../src/logger.js';
import { loadTemplates } from '../../src/mail/templates.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { feedMailDeps } from '../../src/feeds/deps.js';
import { feedProcessors } from '../../src/feeds/processors.js';
import { subscriberMailDeps } from '../../src/subscribers/deps.js';
import { subscriberProcessors } from '../../src/subscribers/processors.js';
import { startSmtpSink, type SinkBehaviour, type SmtpSink } from './smtp.js';

export const adminToken = 'test-operator-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${adminToken}` };
export const tokenSecret = 'test-token-secret-0123456789abcdef0123456789';

export function testConfig(database: Database, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    ADMIN_TOKEN: adminToken,
    TOKEN_SECRET: tokenSecret,
    PUBLIC_BASE_URL: 'https://digest.example.org',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  /** The real SMTP server this app's mail goes to. */
  smtp: SmtpSink;
}

/**
 * The production app factory on this file's database, sending mail over SMTP
 * to a real sink in the test process, with sign-up and feed mail sent by their jobs in
 * this process (as `serve` does without Redis); closed when the file ends.
 */
export async function createTestApp(
  database: Database,
  env: Record<string, string> = {},
  overrides: Partial<AppDeps> = {},
): Promise<FastifyInstance> {
  return (await createTestAppWithMail(database, env, overrides)).app;
}

export async function createTestAppWithMail(
  database: Database,
  env: Record<string, string> = {},
  overrides: Partial<AppDeps> = {},
  sink: SinkBehaviour = {},
): Promise<TestApp> {
  const smtp = await startSmtpSink(sink);
  const config = testConfig(database, { SMTP_URL: smtp.url, ...env });
  const mailer = createSmtpMailer({ url: smtp.url, from: config.MAIL_FROM });
  const logger = createLogger({ level: 'silent' });
  const queue = createInlineQueue({ logger, retry: { attempts: 3, backoffMs: 25 } });
  const deps: AppDeps = {
    config,
    database,
    logger,
    mailer,
    templates: await loadTemplates(),
    tokenSecret,
    queue,
    ...overrides,
  };
  if (deps.queue === queue) {
    const parts = { db: database.db, mailer: deps.mailer, templates: deps.templates, tokenSecret, logger: deps.logger, now: deps.now };
    await queue.work(subscriberProcessors(subscriberMailDeps(config, parts)), workOptions(config));
    await queue.work(feedProcessors(feedMailDeps(config, parts)), workOptions(config));
  }
  const app = await buildApp(deps);
  await app.ready();
  afterAll(async () => {
    await app.close();
    await queue.close();
    await mailer.close();
  });
  return { app, deps, smtp };
}
