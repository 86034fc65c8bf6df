import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { listSources } from './repo.js';
import type { HarvestCounts } from './repo.js';

/** Harvest counters per source (the council's slug), in the registry of the process that harvests. */
export interface HarvestMetrics {
  harvests: Counter;
  meetings: Counter;
  requests: Counter;
  errors: Counter;
  recordHarvest(source: string, status: string, counts: HarvestCounts): void;
}

export function createHarvestMetrics(registry: Registry): HarvestMetrics {
  const harvests = new Counter({ name: 'harvests_total', help: 'Harvests ended, per source and status (finished, failed)', labelNames: ['source', 'status'], registers: [registry] });
  const meetings = new Counter({ name: 'harvest_meetings_total', help: 'Meetings harvested, per source and what the store did (created, updated, unchanged)', labelNames: ['source', 'action'], registers: [registry] });
  const requests = new Counter({ name: 'harvest_requests_total', help: 'Requests sent to councils\' sites, retries included, per source', labelNames: ['source'], registers: [registry] });
  const errors = new Counter({ name: 'harvest_errors_total', help: 'Meetings or committees a harvest could not read, per source', labelNames: ['source'], registers: [registry] });
  return {
    harvests,
    meetings,
    requests,
    errors,
    recordHarvest(source, status, counts) {
      harvests.inc({ source, status });
      requests.inc({ source }, counts.requests);
      if (counts.errors.length) errors.inc({ source }, counts.errors.length);
    },
  };
}

/** Each source's harvests failed in a row, read from the database on each scrape: the API shows what every worker did. */
export function registerSourceHealth(registry: Registry, db: Db): void {
  const name = 'harvest_source_consecutive_failures';
  // Apps built on one registry (tests, the demo) share the one gauge.
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name,
    help: 'Harvests of a source that failed in a row (3 or more: the source is failing)',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const source of await listSources(db)) this.set({ source: source.councilSlug }, source.consecutiveFailures);
    },
  });
}
