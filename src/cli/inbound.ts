import type { Command } from 'commander';
import type { Runtime } from '../main/runtime.js';
import { onShutdown } from '../main/shutdown.js';
import { serveMetrics } from '../main/metrics-server.js';
import { wireInbound } from '../main/wiring.js';

/** `council-digest inbound`: mail that comes back (src/inbound). */
export function registerInboundCommands(program: Command, open: (name: string) => Promise<Runtime>) {
  program
    .command('inbound')
    .description('receive returned mail: an SMTP server on INBOUND_SMTP_PORT (bounces, complaints, mailto unsubscribes) and, with INBOUND_IMAP_URL, a mailbox poller')
    .action(async () => {
      // Loaded when the command runs: other commands (a worker) never load the mail readers (mailparser, imapflow).
      const { startInbound } = await import('../main/inbound.js');
      const runtime = await open('inbound');
      const { config, logger } = runtime;
      const { returns, metrics } = await wireInbound(runtime);
      const inbound = await startInbound(config, returns);
      // Its counters live in this process, so it serves its own /metrics, as the worker does.
      const metricsServer = config.INBOUND_METRICS_PORT
        ? await serveMetrics(metrics.registry, { host: config.HOST, port: config.INBOUND_METRICS_PORT, token: config.METRICS_TOKEN, process: 'inbound' }, logger)
        : undefined;
      onShutdown(async () => {
        metricsServer?.close();
        await inbound.close();
        await runtime.close();
      }, logger);
    });
}
