import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger, type Logger } from '../logger.js';

/** What every process starts from: settings, a logger, a migrated database. */
export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  close(): Promise<void>;
}

export async function openRuntime(options: {
  name: string;
  env?: NodeJS.ProcessEnv;
  /** Apply pending migrations at start-up (under the advisory lock). */
  migrate?: boolean;
  /** Log to stderr, keeping stdout for a command's own output. */
  stderr?: boolean;
  config?: Config;
}): Promise<Runtime> {
  const config = options.config ?? loadConfig(options.env);
  const logger = createLogger({ level: config.LOG_LEVEL, name: options.name, stderr: options.stderr });
  const database = await openDatabase(config, logger);
  try {
    if (options.migrate ?? true) await runMigrations(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    config,
    logger,
    database,
    close: () => database.close(),
  };
}
