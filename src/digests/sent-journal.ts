import type { Notebook } from '../jobs/types.js';
import type { DeliveryTable, Settlement } from './delivery-repo.js';

export type SentSettlement = Extract<Settlement, { status: 'sent' }>;

/** Longer than any run's retries and stale-claim takeovers; a note is erased once its group is settled anyway. */
const keepSeconds = 7 * 24 * 3600;

/**
 * A claim group's journal (one per group: see send.ts's ledger). The note of each accepted send, written to the queue's notebook (Redis)
 * the moment the SMTP server says 250, before the next send of the job goes
 * and before the claim group is settled in Postgres (one statement per
 * group). A worker killed in between leaves its accepted sends here: the
 * attempt that takes the stale claims over settles those from their notes
 * instead of sending them again. So at most one send per job in flight is
 * ever repeated, and the note costs no round trip of its own: it travels with
 * the next send's take from the send rate. In-process (no Redis) the notes
 * die with the process, and a crash re-sends up to a claim group per job.
 */
export function sentJournal(notebook: Notebook, runId: number, where: DeliveryTable) {
  return journalOf<SentSettlement>(notebook, `sent:${runId}`, where.audience);
}

/**
 * The journal itself, over any mail claimed and settled in groups (a run's
 * deliveries, a day's alert mails): under `key`, one field per claimed row
 * (`<prefix>:<row id>`) holding its settlement as JSON.
 */
export function journalOf<Settled extends { id: number }>(notebook: Notebook, key: string, prefix: string) {
  const field = (id: number) => `${prefix}:${id}`;
  let kept = false;
  return {
    note(settlement: Settled): Promise<void> {
      // The record's expiry is set (pushed back) by a journal's first note, not by every one.
      const ttl = kept ? undefined : keepSeconds;
      kept = true;
      return notebook.write(key, { [field(settlement.id)]: JSON.stringify(settlement) }, ttl);
    },
    /** The notes of claims an earlier attempt held: what it had sent when it died. */
    async recall(claims: readonly { id: number; attempts: number }[]): Promise<Map<number, Settled>> {
      const again = claims.filter((claim) => claim.attempts > 1);
      if (again.length === 0) return new Map();
      const notes = await notebook.read(key, again.map((claim) => field(claim.id)));
      return new Map(again.flatMap((claim, index) => (notes[index] ? [[claim.id, JSON.parse(notes[index]) as Settled] as const] : [])));
    },
    /** Once settled in Postgres, the notes have done their work. */
    forget(ids: number[]): Promise<void> {
      return notebook.erase(key, ids.map(field));
    },
  };
}

export type SentJournal = ReturnType<typeof sentJournal>;
