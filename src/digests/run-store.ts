import type { Db } from '../db/client.js';
import type { DeliveryStatus } from '../db/schema/index.js';
import { recordHardBounce } from '../subscribers/suppressions.js';
import type { Addressee, Audience } from './audiences.js';
import {
  claimDeliveries,
  countSettled,
  deliveryStatuses,
  noteReturned,
  settleDeliveries,
  type Claim,
  type ClaimRequest,
  type Settlement,
} from './delivery-repo.js';
import { sentMinutes, type SentMinutes } from './late-news.js';
import { addRunCounts, findRun, runStatusOf, type DigestRun, type RunSample } from './run-repo.js';
import type { Week } from './week.js';

/**
 * What the send job (send.ts) asks of the database, over either audience:
 * the run, its recipients, and their deliveries from claim to settlement.
 * Postgres in production (`postgresRunStore`).
 */
export interface RunStore {
  findRun(runId: number): Promise<DigestRun | undefined>;
  /** A run's status alone: asked before each claim group, so a pause takes effect within one group. */
  runStatusOf(runId: number): Promise<DigestRun['status'] | undefined>;
  /** A batch's recipients as they are now (status, address and filters may have changed since the fan-out). */
  addressees(audience: Audience, ids: number[]): Promise<Addressee[]>;
  /** What of the given late meetings each recipient already had, in its minutes form. */
  sentMinutes(audience: Audience, recipientIds: number[], meetingIds: number[]): Promise<SentMinutes>;
  claimDeliveries(audience: Audience, claim: ClaimRequest): Promise<Claim[]>;
  deliveryStatuses(audience: Audience, recipientIds: number[], week: Week): Promise<Map<number, DeliveryStatus>>;
  settleDeliveries(audience: Audience, settled: Settlement[]): Promise<void>;
  /** What the batch settled, counted on its run once, completing the run when it is the last to settle. */
  countSettled(audience: Audience, runId: number, recipientIds: number[]): Promise<void>;
  /** Counts straight onto the run (a dry run's, or recipients gone since the fan-out), completing it when they settle it. */
  addRunCounts(runId: number, counts: { sent: number; skipped: number; failed: number }, samples?: RunSample[]): Promise<void>;
  /** A 5xx to a digest: counted against its recipient (suppressed at `limit`; answers whether it now is)... */
  recordHardBounce(audience: Audience, recipientId: number, limit: number, note: string): Promise<boolean>;
  /** ...and against its delivery and run, once. */
  noteReturned(audience: Audience, deliveryId: number, kind: 'hard' | 'complaint'): Promise<{ runId: number; first: boolean } | undefined>;
}

/** The run store on Postgres: the statements of run-repo.ts and delivery-repo.ts, on each audience's tables. */
export function postgresRunStore(db: Db): RunStore {
  return {
    findRun: (runId) => findRun(db, runId),
    runStatusOf: (runId) => runStatusOf(db, runId),
    addressees: (audience, ids) => audience.load(db, ids),
    sentMinutes: (audience, recipientIds, meetingIds) => sentMinutes(db, audience.deliveries.audience, recipientIds, meetingIds),
    claimDeliveries: (audience, claim) => claimDeliveries(db, audience.deliveries, claim),
    deliveryStatuses: (audience, recipientIds, week) => deliveryStatuses(db, audience.deliveries, recipientIds, week),
    settleDeliveries: (audience, settled) => settleDeliveries(db, audience.deliveries, settled),
    countSettled: (audience, runId, recipientIds) => countSettled(db, audience.deliveries, runId, recipientIds),
    addRunCounts: (runId, counts, samples) => addRunCounts(db, runId, counts, samples),
    recordHardBounce: (audience, recipientId, limit, note) => recordHardBounce(db, audience.deliveries.people, recipientId, limit, note),
    noteReturned: (audience, deliveryId, kind) => noteReturned(db, audience.deliveries, deliveryId, kind),
  };
}
