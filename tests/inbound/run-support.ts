import type { DigestDeps } from '../../src/digests/deps.js';
import { startWork } from '../../src/main/wiring.js';
import type { DigestHarness } from '../helpers/digests.js';

/** Works the harness's queue with these digest dependencies (a harness made with `work: false`). */
export async function processorsFor(harness: DigestHarness, deps: DigestDeps): Promise<void> {
  await startWork({ ...harness.wiring, digests: deps }, { groups: ['digests'] });
}
