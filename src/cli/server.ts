import type { Command } from 'commander';
import { openRuntime } from '../main/runtime.js';
import { onShutdown } from '../main/shutdown.js';

/** `council-digest serve`: the HTTP API (and, without REDIS_URL, its jobs too). */
export function registerServerCommand(program: Command) {
  program
    .command('serve')
    .description('run the HTTP API (applies pending migrations first)')
    .action(async () => {
      // Loaded when a command needs it: a worker never loads the HTTP app (Fastify, Swagger, Bull Board).
      const { startServer } = await import('../main/server.js');
      const runtime = await openRuntime({ name: 'api' });
      const app = await startServer(runtime);
      onShutdown(async () => {
        await app.close();
        await runtime.close();
      }, runtime.logger);
    });
}
