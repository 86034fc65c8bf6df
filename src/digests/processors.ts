import type { DigestProcessors } from '../jobs/types.js';
import type { DigestDeps } from './deps.js';
import { fanOut, startScheduledRun } from './runs.js';
import { sendDigestBatch } from './send.js';

/** The weekly run's job processors: plain functions over plain dependencies, wrapped by whichever runner is in use. */
export function digestProcessors(deps: DigestDeps): DigestProcessors {
  return {
    'digest-run': () => startScheduledRun(deps),
    'digest-fan-out': (data, context) => fanOut(deps, data, context),
    'digest-send': (data, context) => sendDigestBatch(deps, data, context),
  };
}
