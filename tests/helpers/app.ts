import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import { createInlineQueue } from '../../src/jobs/inline.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createSmtpMailer, type Mailer } from '../../src/mail/transport.js';
import { createDigestMetrics } from '../../src/digests/metrics.js';
import { startWork, wire, type Wiring, type WiringOptions } from '../../src/main/wiring.js';
import { startSmtpSink, type SinkBehaviour, type SmtpSink } from './smtp.js';
import { testTemplates } from './templates.js';

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

/**
 * main/wiring.ts's wiring on a test's settings and database, for a test that
 * works jobs without an app: the test's link key, counters of its own, and a
 * mail transport to nowhere (it connects only to send) unless one is given.
 */
export async function wireForTest(config: Config, database: Database, options: WiringOptions = {}): Promise<Wiring> {
  return wire(
    { config, database, logger: createLogger({ level: 'silent' }) },
    { tokenSecret, templates: await testTemplates(), metrics: createDigestMetrics({ processMetrics: false }), mailer: createSmtpMailer({ url: 'smtp://127.0.0.1:9', from: config.MAIL_FROM }), ...options },
  );
}

/** What a test may bring to the wiring instead of its defaults. */
export interface TestOverrides {
  mailer?: Mailer;
  /** A queue of the test's own (a BullMQ queue whose Redis is down, say), in place of jobs run in this process; closed by the test. */
  queue?: JobQueue;
  logger?: Logger;
  now?: () => Date;
}

export interface TestApp {
  app: FastifyInstance;
  /** The app's dependencies, wired by main/wiring.ts as the server wires them. */
  deps: Wiring;
  /** The real SMTP server this app's mail goes to. */
  smtp: SmtpSink;
}

/**
 * The production app factory on the production wiring, on this file's
 * database, sending mail over SMTP to a real sink in the test process, with
 * sign-up and feed mail sent by their jobs in this process (as `serve` does without
 * Redis); closed when the file ends.
 */
export async function createTestApp(
  database: Database,
  env: Record<string, string> = {},
  overrides: TestOverrides = {},
): Promise<FastifyInstance> {
  return (await createTestAppWithMail(database, env, overrides)).app;
}

export async function createTestAppWithMail(
  database: Database,
  env: Record<string, string> = {},
  overrides: TestOverrides = {},
  sink: SinkBehaviour = {},
): Promise<TestApp> {
  const smtp = await startSmtpSink(sink);
  const config = testConfig(database, { SMTP_URL: smtp.url, ...env });
  const mailer = createSmtpMailer({ url: smtp.url, from: config.MAIL_FROM });
  const silent = createLogger({ level: 'silent' });
  const inline = overrides.queue ? undefined : createInlineQueue({ logger: silent, retry: { attempts: 3, backoffMs: 25 } });
  const queue = overrides.queue ?? inline!;
  const deps = await wire({ config, database, logger: overrides.logger ?? silent }, { queue, mailer: overrides.mailer ?? mailer, now: overrides.now, templates: await testTemplates() });
  if (inline) await startWork(deps, { groups: ['subscribers', 'feeds'] });
  const app = await buildApp(deps);
  await app.ready();
  afterAll(async () => {
    await app.close();
    await inline?.close();
    await mailer.close();
  });
  return { app, deps, smtp };
}
