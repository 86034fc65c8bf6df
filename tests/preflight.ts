/**
 * Runs before the suite: the tests talk to a real Postgres and a real Redis,
 * and when either is missing this says exactly how to start it.
 */
import net from 'node:net';
import pg from 'pg';
import { testDatabaseUrl, testRedisUrl } from './helpers/env.js';

async function checkPostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `Postgres at ${new URL(testDatabaseUrl).host} did not answer (${(error as Error).message}).
  Start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  or:        docker compose up -d postgres   (then TEST_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres)
  or point TEST_DATABASE_URL at a server where the user may create databases.`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(): Promise<string | undefined> {
  const url = new URL(testRedisUrl);
  const reply = await new Promise<string>((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.end();
      resolve(data.toString().trim());
    });
    socket.on('error', (error) => resolve(error.message));
  });
  if (reply === '+PONG' || reply.startsWith('-NOAUTH')) return undefined;
  return `Redis at ${url.host} did not answer PING (${reply}).
  Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  or:        docker compose up -d redis
  or point TEST_REDIS_URL at a Redis you can use.`;
}

const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter(Boolean);
if (problems.length) {
  console.error(`The tests need real services:\n\n${problems.join('\n\n')}\n`);
  process.exit(1);
}
