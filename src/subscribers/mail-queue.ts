import type { JobQueue } from '../jobs/types.js';

/** How sign-up mail reaches the job queue. */
export interface SignUpMailQueue {
  /** Resolves once the mail's job is stored (in Redis, or in this process without it). */
  queueMail(emailId: number): Promise<void>;
}

/** More mails than a burst of sign-ups brings in one turn of the event loop; a cap on one job's work. */
const mailsPerJob = 50;

/**
 * Sign-ups that finish in the same turn of the event loop share one
 * `subscriber-mail` job: one job and one round trip to Redis for a burst
 * instead of one each, on the busiest public route. A lone sign-up goes at
 * once, in a job of its own.
 */
export function createSignUpMailQueue(queue: Pick<JobQueue, 'add'>): SignUpMailQueue {
  let waiting: { emailId: number; stored: () => void; failed: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = waiting;
    waiting = [];
    if (!batch.length) return;
    const emailIds = batch.map((entry) => entry.emailId);
    // An email id is in exactly one job, so the first names the job.
    queue.add({ name: 'subscriber-mail', data: { emailIds }, jobId: `subscriber-mail-${emailIds[0]}` }).then(
      () => batch.forEach((entry) => entry.stored()),
      (error: unknown) => batch.forEach((entry) => entry.failed(error)),
    );
  };
  return {
    queueMail(emailId) {
      return new Promise<void>((stored, failed) => {
        if (!waiting.length) setImmediate(flush);
        waiting.push({ emailId, stored, failed });
        if (waiting.length >= mailsPerJob) flush();
      });
    },
  };
}
