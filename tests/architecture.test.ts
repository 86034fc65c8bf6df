import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layers and rules live in .dependency-cruiser.mjs; this reads src/'s
 * imports once (type-only ones too) and names every import that breaks one.
 */

/** Imports that may still point up a layer while the last ones are removed (issue #21: at most 2). */
const upwardAllowance = 2;

let violations: IViolation[];

beforeAll(async () => {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.mjs');
  const { output } = await cruise(['src'], options, undefined, { tsConfig: extractTSConfig('tsconfig.json') });
  violations = (output as ICruiseResult).summary.violations;
});

/** Each import breaking the rule, as "from → to" (a cycle or a reaching chain in full). */
function broken(rule: string): string[] {
  return violations
    .filter((violation) => violation.rule.name === rule)
    .map((violation) => {
      const chain = violation.cycle ?? violation.via;
      return chain?.length ? [violation.from, ...chain.map((step) => step.name)].join(' → ') : `${violation.from} → ${violation.to}`;
    });
}

describe('the architecture of src/', () => {
  it('has no import cycle', () => {
    expect(broken('no-cycle')).toEqual([]);
  });

  it('keeps http/, cli/ and main/ out of the domain folders', () => {
    expect(broken('domain-not-to-process-roots')).toEqual([]);
  });

  it('keeps the domain folders out of mail/, jobs/, db/ and tokens/', () => {
    expect(broken('infrastructure-not-to-domain')).toEqual([]);
  });

  it('lets the worker reach no HTTP code, even through what it imports', () => {
    expect(broken('worker-not-to-http')).toEqual([]);
  });

  it(`lets at most ${upwardAllowance} imports point up a layer`, () => {
    const upward = broken('up-a-layer');
    if (upward.length > 0) console.warn(`imports still pointing up a layer:\n  ${upward.join('\n  ')}`);
    expect(upward.length, upward.join('\n')).toBeLessThanOrEqual(upwardAllowance);
  });

  it('gives every folder a README', () => {
    const folders = readdirSync('src', { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.map((folder) => `src/${folder.name}`).filter((folder) => !existsSync(path.join(folder, 'README.md')))).toEqual([]);
  });
});
