/**
 * The layers of src/ and the rules between them, read by
 * tests/architecture.test.ts (and by `npx depcruise src`).
 *
 * A file may import its own layer or lower. Lowest first:
 */
const layers = [
  ['config.ts', 'logger.ts', 'db', 'tokens'],
  ['meetings', 'mail', 'jobs'],
  ['subscribers', 'harvest', 'follows'],
  ['feeds', 'calendar'],
  ['digests'],
  ['console', 'inbound', 'alerts'],
  ['http'],
  ['main'],
  ['cli'],
];
const domain = ['meetings', 'harvest', 'subscribers', 'follows', 'feeds', 'calendar', 'digests', 'alerts', 'inbound', 'console'];

/** A pattern for files in these folders (or these files) directly under src/. */
const under = (names) => `^src/(?:${names.map((name) => (name.endsWith('.ts') ? `${name.replace('.', '\\.')}$` : `${name}/`)).join('|')})`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'An import circle under src/: no module of it can be read, tested or loaded alone.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-not-to-process-roots',
      comment: 'Domain folders take plain dependencies; Fastify, commander and the wiring stay out of them.',
      severity: 'error',
      from: { path: under(domain) },
      to: { path: under(['http', 'cli', 'main']) },
    },
    {
      name: 'infrastructure-not-to-domain',
      comment: 'mail/, jobs/, db/ and tokens/ serve every domain folder, so they know none of them.',
      severity: 'error',
      from: { path: under(['mail', 'jobs', 'db', 'tokens']) },
      to: { path: under(domain) },
    },
    {
      name: 'worker-not-to-http',
      comment: 'The worker process loads no HTTP code, not even through what it imports.',
      severity: 'error',
      from: { path: '^src/main/worker\\.ts$' },
      to: { path: '^src/http/', reachable: true },
    },
    // One rule per layer: nothing in it imports a layer above. Warnings: the test allows a few.
    ...layers.slice(0, -1).map((layer, index) => ({
      name: 'up-a-layer',
      comment: `${layer.join(', ')} import only their own layer or lower.`,
      severity: 'warn',
      from: { path: under(layer) },
      to: { path: under(layers.slice(index + 1).flat()) },
    })),
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
