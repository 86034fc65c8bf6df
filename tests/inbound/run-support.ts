import type { DigestDeps } from '../../src/digests/deps.js';
import { digestProcessors } from '../../src/digests/processors.js';
import { workOptions } from '../../src/jobs/index.js';
import type { DigestHarness } from '../helpers/digests.js';

/** Works the harness's queue with these digest dependencies (a harness made with `work: false`). */
export async function processorsFor(harness: DigestHarness, deps: DigestDeps): Promise<void> {
  await harness.queue.work(digestProcessors(deps), workOptions(harness.config));
}
