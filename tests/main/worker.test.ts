import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDigestMetrics } from '../../src/digests/metrics.js';
import { createLogger } from '../../src/logger.js';
import { serveMetrics } from '../../src/main/metrics-server.js';

const logger = createLogger({ level: 'silent' });
const metricsToken = 'scrape-token-0123456789';
const { registry } = createDigestMetrics({ processMetrics: false });
const servers: NonNullable<Awaited<ReturnType<typeof serveMetrics>>>[] = [];

async function listen(token: string | undefined): Promise<string> {
  const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0, token }, logger);
  servers.push(server!);
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

let open: string;
let guarded: string;

beforeAll(async () => {
  open = await listen(undefined);
  guarded = await listen(metricsToken);
});

afterAll(() => {
  for (const server of servers) server.close();
});

describe("the worker's /metrics listener", () => {
  it('serves the Prometheus exposition to anyone when METRICS_TOKEN is unset, and nothing else', async () => {
    const scraped = await fetch(`${open}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await scraped.text()).toMatch(/^digests_sent_total \d+$/m);
    expect((await fetch(`${open}/`)).status).toBe(404);
  });

  it('with METRICS_TOKEN, answers only scrapes that send it: 401 without one, 403 with another', async () => {
    const without = await fetch(`${guarded}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect(await without.text()).toContain('Authorization: Bearer <METRICS_TOKEN>');
    expect((await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer another-token-entirely' } })).status).toBe(403);
    const scraped = await fetch(`${guarded}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^digests_sent_total \d+$/m);
  });

  it("says whose listener it is: the inbound process's logs said \"worker metrics listening\"", async () => {
    const lines: string[] = [];
    const captured = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const server = await serveMetrics(registry, { host: '127.0.0.1', port: 0, token: undefined, process: 'inbound' }, captured);
    servers.push(server!);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['inbound metrics listening']);
  });

  it('lets the worker work on without metrics when the port is taken', async () => {
    const taken = Number(new URL(open).port);
    expect(await serveMetrics(registry, { host: '127.0.0.1', port: taken, token: undefined }, logger)).toBeUndefined();
  });
});
