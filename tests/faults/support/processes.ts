import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { builtBin, builtRoot } from '../../helpers/build.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A redis-server of the test's own (never the shared one), persisting to an append-only file so a restart keeps the queue. */
export async function startRedis() {
  const dir = await mkdtemp(path.join(tmpdir(), 'cd-fault-redis-'));
  const port = await freePort();
  let server: ChildProcess | undefined;
  const ping = async () => (await run('redis-cli', ['-p', String(port), 'ping']).catch(() => ({ stdout: '' }))).stdout.trim() === 'PONG';
  const start = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
    await until('redis-server', ping);
  };
  /** SHUTDOWN: Redis writes its append-only file and exits, as a restart by an operator or an orchestrator does. */
  const stop = async () => {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    await run('redis-cli', ['-p', String(port), 'shutdown']).catch(() => undefined);
    await exited;
  };
  await start();
  onTestFinished(async () => {
    if (server?.exitCode === null) await stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { url: `redis://127.0.0.1:${port}`, async restart(downMs = 1000) {
    await stop();
    await sleep(downMs);
    await start();
  } };
}

/** A throwaway Postgres cluster (initdb + pg_ctl), never the shared one: it may be restarted mid-run. */
export async function startPostgres() {
  const bin = (await run('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1'])).stdout.trim();
  const dir = await mkdtemp(path.join(tmpdir(), 'cd-fault-pg-'));
  const port = await freePort();
  // initdb refuses to run as root: as root, run the cluster as the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(stdout.trim()));
  }
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args));
  const data = path.join(dir, 'data');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  onTestFinished(async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** Fast shutdown (every connection cut), down for a moment, then up again. */
    async restart(downMs = 1500) {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      await sleep(downMs);
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    },
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote, for a failing test's message. */
  output(): string;
  /** Resolves once a line of its log contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** `council-digest <command>`, the way an operator starts it from the image (the run's build), with these settings. */
export function startCommand(command: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [builtBin(), ...command], {
    cwd: builtRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    output: () => output,
    exited,
    waitForLog: (text, timeoutMs = 30_000) =>
      until(`"${text}" in the log of ${command.join(' ')}:\n${output.slice(-3000)}`, async () => {
        if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}:\n${output.slice(-3000)}`);
        return output.includes(text);
      }, timeoutMs),
  };
}
