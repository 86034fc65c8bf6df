import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { isFailing, listSources } from './repo.js';
import type { HarvestCounts } from './repo.js';

/** Harvest counters per source (the council's slug), in the registry of the process that harvests. */
export interface HarvestMetrics {
  harvests: Counter;
  meetings: Counter;
  requests: Counter;
  errors: Counter;
  warnings: Counter;
  recordHarvest(source: string, status: string, counts: HarvestCounts): void;
}

export function createHarvestMetrics(registry: Registry): HarvestMetrics {
  const harvests = new Counter({ name: 'harvests_total', help: 'Harvests ended, per source and status (finished, failed)', labelNames: ['source', 'status'], registers: [registry] });
  const meetings = new Counter({ name: 'harvest_meetings_total', help: 'Meetings harvested, per source and what the store did (created, updated, unchanged)', labelNames: ['source', 'action'], registers: [registry] });
  const requests = new Counter({ name: 'harvest_requests_total', help: 'Requests sent to councils\' sites, retries included, per source', labelNames: ['source'], registers: [registry] });
  const errors = new Counter({ name: 'harvest_errors_total', help: 'Meetings or committees a harvest could not read, per source', labelNames: ['source'], registers: [registry] });
  const warnings = new Counter({
    name: 'harvest_warnings_total',
    help: 'What a harvest read against what the site says it published (no-items, no-minutes, no-decision, bad-date, bad-time, unknown-element), per source and kind',
    labelNames: ['source', 'kind'],
    registers: [registry],
  });
  return {
    harvests,
    meetings,
    requests,
    errors,
    warnings,
    recordHarvest(source, status, counts) {
      harvests.inc({ source, status });
      requests.inc({ source }, counts.requests);
      if (counts.errors.length) errors.inc({ source }, counts.errors.length);
    },
  };
}

/**
 * Each source's health, read from the database on each scrape: the API shows
 * what every worker did. Failures in a row, and whether it is failing (for
 * that, or for its health note: meetings read with no agenda items, or the
 * site refusing us).
 */
export function registerSourceHealth(registry: Registry, db: Db): void {
  const name = 'harvest_source_consecutive_failures';
  // Apps built on one registry (tests, the demo) share the gauges.
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name: 'harvest_source_failing',
    help: 'Whether a source is failing (1): 3 failed harvests in a row, or a health note such as meetings read with no agenda items',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const source of await listSources(db)) this.set({ source: source.councilSlug }, isFailing(source) ? 1 : 0);
    },
  });
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
