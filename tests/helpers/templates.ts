import { inject } from 'vitest';
import { loadTemplates, templatesFolder, type Templates } from '../../src/mail/templates.js';

let loaded: Promise<Templates> | undefined;

/**
 * templates/ loaded as a built process loads them: from the compilation the
 * run's global setup made once (tests/helpers/global-setup.ts), so MJML
 * (about 2 s of CPU with its modules) runs once per run rather than once per
 * file. loadTemplates checks the compilation's key against the folder, so an
 * edit during a run is compiled here instead. One load per file.
 */
export function testTemplates(): Promise<Templates> {
  loaded ??= loadTemplates(templatesFolder, inject('precompiledTemplates'));
  return loaded;
}
