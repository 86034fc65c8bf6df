import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';

export const adminToken = 'test-operator-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${adminToken}` };

export function testConfig(database: Database, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** The production app factory on this file's database, closed when the file ends. */
export async function createTestApp(database: Database, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = testConfig(database, env);
  const app = await buildApp({ config, database, logger: createLogger({ level: 'silent' }) });
  await app.ready();
  afterAll(() => app.close());
  return app;
}
