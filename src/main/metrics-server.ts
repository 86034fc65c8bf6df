import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { metricsRefusal } from '../tokens/bearer.js';

/**
 * The worker's own /metrics listener (and `council-digest inbound`'s, named
 * by `process` in its logs): plain node:http, as neither has Fastify.
 * METRICS_TOKEN guards it as it guards the API's.
 */
export async function serveMetrics(
  registry: Registry,
  options: { host: string; port: number; token: string | undefined; process?: 'worker' | 'inbound' },
  logger: Logger,
): Promise<Server | undefined> {
  const { host, port } = options;
  const name = options.process ?? 'worker';
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const refusal = metricsRefusal(request.headers.authorization, options.token);
    if (refusal) {
      response.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8', ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
      response.end(`${refusal.message}\n`);
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  // A second worker on the same machine cannot have the port: it works on without its own metrics.
  return new Promise((resolve) => {
    server.once('error', (error) => {
      logger.warn({ err: error, port }, `${name} metrics listener not started`);
      resolve(undefined);
    });
    server.listen(port, host, () => {
      logger.info({ url: `http://${host}:${port}/metrics` }, `${name} metrics listening`);
      resolve(server);
    });
  });
}
