import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Alert volume for Prometheus, on the process's registry (the digests' one):
 * alerts recorded by reason, alert mails by how they ended, and how long a
 * pass takes. Made once per registry, so two wirings of one process share them.
 */
export interface AlertMetrics {
  /** Alerts recorded (one per subscriber and meeting), by reason: follow, committee. */
  recorded: Counter<'reason'>;
  sent: Counter;
  failed: Counter;
  skipped: Counter;
  passSeconds: Histogram;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  const counter = <Label extends string = never>(name: string, help: string, labelNames: Label[] = []) =>
    (registry.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter<Label>({ name, help, labelNames, registers: [registry] });
  return {
    recorded: counter('alerts_recorded_total', 'Alerts recorded (one per subscriber and meeting), by reason: an item followed, or a committee opted in to', ['reason']),
    sent: counter('alert_mails_sent_total', 'Alert mails the SMTP server accepted'),
    failed: counter('alert_mails_failed_total', 'Alert mails that failed for good (permanent SMTP errors, retries used up)'),
    skipped: counter('alert_mails_skipped_total', 'Alert mails not sent: the subscriber is no longer active, or suppressed'),
    passSeconds:
      (registry.getSingleMetric('alert_pass_seconds') as Histogram | undefined) ??
      new Histogram({ name: 'alert_pass_seconds', help: 'How long an alert pass takes: matching, recording and queueing the mails', buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] }),
  };
}
