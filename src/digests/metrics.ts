import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue } from '../jobs/types.js';

/**
 * What the weekly run reports to Prometheus. One registry per process (each
 * worker serves its own), never prom-client's global one, so tests can build
 * as many apps as they like.
 */
export interface DigestMetrics {
  registry: Registry;
  sent: Counter;
  failed: Counter;
  skipped: Counter;
  smtpSeconds: Histogram;
  /** Hard and soft bounces by where they were learnt: the SMTP reply at send time, an inbound DSN, a provider. */
  bounces: Counter<'type' | 'source'>;
  /** Complaints (feedback-loop reports, provider complaints), by where they came from. */
  complaints: Counter<'source'>;
  /** Reports this queue's depth on each scrape. */
  watchQueue(queue: JobQueue): void;
}

export function createDigestMetrics(options: { processMetrics?: boolean } = {}): DigestMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  let watched: JobQueue | undefined;
  new Gauge({
    name: 'digest_queue_depth',
    help: 'Jobs per queue and state, read when scraped',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!watched) return;
      for (const { queue, state, count } of await watched.depth()) this.set({ queue, state }, count);
    },
  });
  return {
    registry,
    sent: new Counter({ name: 'digests_sent_total', help: 'Digests the SMTP server accepted', registers: [registry] }),
    failed: new Counter({ name: 'digests_failed_total', help: 'Digests that failed for good (permanent SMTP errors, retries used up)', registers: [registry] }),
    skipped: new Counter({ name: 'digests_skipped_total', help: 'Subscribers with nothing to send this week, or no longer sendable', registers: [registry] }),
    bounces: new Counter({ name: 'bounces_total', help: 'Bounces recorded, by type (hard, soft) and source (smtp-reply, smtp, imap, ses, mailgun, postmark, webhook)', labelNames: ['type', 'source'], registers: [registry] }),
    complaints: new Counter({ name: 'complaints_total', help: 'Complaints recorded, by source (smtp, imap, ses, mailgun, postmark, webhook)', labelNames: ['source'], registers: [registry] }),
    smtpSeconds: new Histogram({
      name: 'smtp_send_seconds',
      help: 'Time from handing a digest to the SMTP transport to its answer',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    watchQueue(queue) {
      watched = queue;
    },
  };
}
