import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from './faults/support/processes.js';
import { databaseUrl, testDatabaseUrl } from './helpers/env.js';

/**
 * The production build, as the image holds it: dist/ (compiled by the build
 * tsconfig), bin/, templates/, migrations/, seeds/ and node_modules, and no
 * src/. The bin can only run dist/ there (tsx would have nothing to load), so
 * every command below proves the compiled code and its paths work on their own.
 */

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let root: string;
let databaseName: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [path.join(root, 'bin/council-digest.js'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    timeout: 60_000,
  });
}

async function admin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cd-build-'));
  // `npm run build`'s tsc, emitting the same files without type-checking them again (--noCheck): `npm run
  // typecheck` checks src/ on the same compiler options, and checking is three quarters of tsc's CPU here.
  await run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', path.join(root, 'dist')], {
    cwd: repo,
    timeout: 240_000,
  });
  for (const folder of ['templates', 'migrations', 'seeds', 'node_modules']) await symlink(path.join(repo, folder), path.join(root, folder));
  // The rest of `npm run build`: the emails' MJML compiled into dist/.
  await run(process.execPath, [path.join(root, 'dist/mail/precompile.js')], { cwd: root, timeout: 60_000 });
  await mkdir(path.join(root, 'bin'));
  await copyFile(path.join(repo, 'bin/council-digest.js'), path.join(root, 'bin/council-digest.js'));
  await copyFile(path.join(repo, 'package.json'), path.join(root, 'package.json'));
  // An empty database (not the migrated template), so serve must find migrations/ from dist/.
  databaseName = `${inject('runPrefix')}build_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`create database "${databaseName}"`));
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  if (databaseName) await admin((client) => client.query(`drop database if exists "${databaseName}" with (force)`));
});

describe('the production build (npm run build)', () => {
  it('compiles src/ into dist/ at the same depth, JavaScript only', async () => {
    const files = (await readdir(path.join(root, 'dist'), { recursive: true })).map(String);
    expect(files).toEqual(expect.arrayContaining([path.join('cli', 'index.js'), path.join('db', 'migrate.js'), path.join('mail', 'templates.js'), path.join('meetings', 'seed.js')]));
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
  });

  it('compiles the emails\' MJML into dist/, so processes started from it need not load MJML', async () => {
    const stored = JSON.parse(await readFile(path.join(root, 'dist/templates.compiled.json'), 'utf8')) as { key: string; html: Record<string, string> };
    expect(Object.keys(stored.html)).toEqual(expect.arrayContaining(['digest', 'confirm', 'manage']));
    const probe = `const { loadTemplates } = await import(${JSON.stringify(path.join(root, 'dist/mail/templates.js'))});
      const { createRequire } = await import('node:module');
      await loadTemplates();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/node_modules/mjml'));
      process.stdout.write(JSON.stringify(loaded));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: root });
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('runs --help from dist/ with no src/ beside it', async () => {
    const { stdout } = await cli(['--help']);
    for (const command of ['serve', 'migrate', 'seed', 'import', 'worker', 'digest', 'demo']) expect(stdout).toContain(command);
  });

  it('serves from dist/: applies the migrations to an empty database, compiles the templates, answers /readyz', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [path.join(root, 'bin/council-digest.js'), 'serve'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl(databaseName),
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: path.join(root, 'data'),
        TOKEN_SECRET: 'a-token-secret-of-at-least-thirty-two-characters',
        ADMIN_TOKEN: 'an-operator-token-for-the-build-test',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
      },
    });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('council-digest API listening')) resolve();
      };
      server.stdout.on('data', read);
      server.stderr.on('data', read);
      void exited.then((code) => reject(new Error(`serve exited ${code}:\n${output.slice(-3000)}`)));
    });
    await listening;
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const topics = await fetch(`http://127.0.0.1:${port}/api/topics`);
    expect(topics.status).toBe(200);
    expect(((await topics.json()) as { topics: unknown[] }).topics.length).toBeGreaterThan(0);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);

  it('seeds from dist/, finding seeds/ beside it', async () => {
    const { stdout } = await cli(['seed'], { DATABASE_URL: databaseUrl(databaseName), DATA_DIR: path.join(root, 'data') });
    // Any positive count proves seeds/ was found from dist/ (the count grows with seeds/councils.json).
    expect(stdout).toMatch(/Seeded [1-9]\d* councils? and [1-9]\d* meetings\./);
  }, 120_000);

  it('runs the TypeScript sources instead when src/ changed after the build, so a stale dist/ is never used', async () => {
    await mkdir(path.join(root, 'src', 'cli'), { recursive: true });
    const source = path.join(root, 'src/cli/index.ts');
    await writeFile(source, "const from: string = 'the sources';\nconsole.log(`ran ${from}`);\n");
    const later = new Date(Date.now() + 60_000);
    await utimes(source, later, later);
    const { stdout } = await cli(['--help']);
    expect(stdout.trim()).toBe('ran the sources');
    await rm(path.join(root, 'src'), { recursive: true });
  });
});
