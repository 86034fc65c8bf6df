import { addOperator } from '../src/console/operators.js';
import { issueSignInLink } from '../src/console/sign-in.js';
import type { Database } from '../src/db/client.js';
import { digestRuns } from '../src/db/schema/index.js';
import { loadTest, type LoadResult } from './processes.js';

/**
 * The console's dashboard under load: 50 finished runs beside the bench's
 * subscribers, an operator signed in the way a browser signs in (the link
 * page, then its form with the CSRF token), and GET /admin with that
 * session cookie, so each request also loads and rolls the session.
 */

const runCount = 50;

/** Fifty finished weekly runs, one a week back from the bench week. */
export async function seedRuns(database: Database, fromWeek: string): Promise<void> {
  const monday = new Date(`${fromWeek}T00:00:00Z`);
  const rows = Array.from({ length: runCount }, (_, index) => {
    const week = new Date(monday.getTime() - (index + 1) * 7 * 86_400_000).toISOString().slice(0, 10);
    const at = new Date(monday.getTime() - index * 7 * 86_400_000);
    return { week, dryRun: false, status: 'completed' as const, trigger: 'schedule', total: 1000, sent: 990, skipped: 8, failed: 2, createdAt: at, startedAt: at, fannedOutAt: at, finishedAt: at };
  });
  await database.db.insert(digestRuns).values(rows);
}

/** A session cookie for an owner, got through the sign-in pages. */
async function signedInCookie(base: string, database: Database): Promise<string> {
  await addOperator(database.db, { email: 'bench-owner@bench.example', role: 'owner' });
  const link = (await issueSignInLink(database.db, 'bench-owner@bench.example', new Date()))!;
  const landing = await fetch(`${base}/admin/sign-in/${link.token}`);
  const csrfCookie = landing.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await landing.text())![1]!;
  const signedIn = await fetch(`${base}/admin/sign-in/${link.token}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  const session = signedIn.headers.getSetCookie().find((cookie) => cookie.startsWith('cd_console='));
  if (signedIn.status !== 303 || !session) throw new Error(`the bench could not sign in: ${signedIn.status}`);
  return session.split(';')[0]!;
}

export async function dashboardLoad(base: string, database: Database, load: { seconds: number; connections: number }): Promise<LoadResult> {
  const cookie = await signedInCookie(base, database);
  const check = await fetch(`${base}/admin`, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`the dashboard answered ${check.status}`);
  return loadTest({ url: `${base}/admin`, method: 'GET', headers: { cookie }, ...load });
}
