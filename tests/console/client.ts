import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { OperatorRole } from '../../src/console/operators.js';
import type { Database } from '../../src/db/client.js';
import { seedCouncils } from '../../src/meetings/seed.js';
import { createTestDatabase } from '../helpers/db.js';
import { createDigestHarness } from '../helpers/digests.js';
import type { SmtpSink } from '../helpers/smtp.js';
import { appWithRouteTable, type RouteEntry } from '../security/route-table.js';

/**
 * A browser's part in a console conversation over app.inject: it keeps the
 * cookies it is given and posts forms with the CSRF token of the page it
 * last loaded, as a browser would.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  private token = '';

  constructor(
    readonly app: FastifyInstance,
    readonly headers: Record<string, string> = {},
  ) {}

  private keep(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const gone = cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now());
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.token = token;
    return response;
  }

  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(options: InjectOptions) {
    const headers = { ...this.headers, ...(options.headers as Record<string, string> | undefined), ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}) };
    return this.keep(await this.app.inject({ ...options, headers }));
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  /** Posts a form as the browser would: urlencoded, with the token of the last page loaded. */
  post(url: string, fields: Record<string, string | string[]> = {}, options: { csrf?: string } = {}) {
    const body = new URLSearchParams();
    body.append('_csrf', options.csrf ?? this.token);
    for (const [name, value] of Object.entries(fields)) for (const each of [value].flat()) body.append(name, each);
    return this.request({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  }
}

/** The path of the sign-in link in the latest sign-in mail to an address. */
export async function signInLinkFor(smtp: SmtpSink, address: string, previous = 0): Promise<string> {
  const deadline = Date.now() + 5000;
  while (smtp.to(address).length <= previous) {
    if (Date.now() > deadline) throw new Error(`no sign-in mail for ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const mail = smtp.to(address).at(-1)!;
  const url = /https?:\/\/\S+\/admin\/sign-in\/[A-Za-z0-9_-]+/.exec(mail.parsed.text ?? '')?.[0];
  if (!url) throw new Error('the sign-in mail has no link');
  return new URL(url).pathname;
}

/** A client signed in as an operator by the emailed link, the way a person does it. */
export async function signedIn(app: FastifyInstance, smtp: SmtpSink, address: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(app);
  const before = smtp.to(address).length;
  await client.get('/admin/sign-in');
  const asked = await client.post('/admin/sign-in', { email: address });
  if (asked.statusCode !== 200) throw new Error(`sign-in request answered ${asked.statusCode}: ${asked.body.slice(0, 300)}`);
  const link = await signInLinkFor(smtp, address, before);
  await client.get(link);
  const done = await client.post(link);
  if (done.statusCode !== 303) throw new Error(`sign-in answered ${done.statusCode}: ${done.body.slice(0, 300)}`);
  return client;
}

/** The roles, least first: what the role-matrix tests walk. */
export const ranks: OperatorRole[] = ['viewer', 'operator', 'owner'];

/**
 * The app of a role-matrix test on a database of its own (councils seeded,
 * no job worked) with the route table it built and the SMTP sink its mail goes to.
 */
export async function roleMatrixApp(prefix: string): Promise<{ database: Database; app: FastifyInstance; routes: RouteEntry[]; smtp: SmtpSink }> {
  const database = await createTestDatabase();
  await seedCouncils(database.db);
  const harness = await createDigestHarness(database, { redisPrefix: prefix, work: false });
  const { app, routes } = await appWithRouteTable(database, harness);
  return { database, app, routes, smtp: harness.smtp };
}
