import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { buildApp } from '../../src/http/app.js';
import type { DigestHarness } from '../helpers/digests.js';

export interface RouteEntry {
  method: string;
  /** As declared, with its parameters: /api/admin/subscribers/:id/export. */
  url: string;
  /** The names of its querystring fields, from its zod schema. */
  query: string[];
  /** Whether it declares a body schema. */
  body: boolean;
}

function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

export type Guard = 'operator' | 'partner' | 'public';

/** The console's way in (sign-in by link, sign-out) and its stylesheet and script: open to anyone. */
export const consoleOpenRoutes = ['/admin/sign-in', '/admin/sign-in/:token', '/admin/sign-out', '/admin/assets/console.css', '/admin/assets/console.js'];

/** A console page (not Bull Board): without a session it sends the browser to sign in, and its refusals are pages. */
export const isConsolePage = (url: string) => (url === '/admin' || url.startsWith('/admin/')) && !url.startsWith('/admin/queues');

/** Who a route is for, by its prefix alone: a route outside these prefixes must be listed as public. */
export function guardOf(url: string): Guard {
  if (consoleOpenRoutes.includes(url)) return 'public';
  if (url === '/api/admin' || url.startsWith('/api/admin/') || url === '/admin' || url.startsWith('/admin/')) return 'operator';
  if (url === '/api/partner' || url.startsWith('/api/partner/')) return 'partner';
  return 'public';
}

/** A concrete URL for a declared one: each parameter (and a trailing wildcard) filled in. */
export function concreteUrl(url: string, values: Record<string, string> = {}): string {
  return url.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? (name === 'id' ? '1' : 'x')).replace(/\*$/, 'x');
}

/**
 * The production app, as the server builds it with the weekly run on BullMQ
 * (so Bull Board's routes are there too), and every route it declared.
 */
export async function appWithRouteTable(database: Database, harness: DigestHarness): Promise<{ app: FastifyInstance; routes: RouteEntry[] }> {
  const routes: RouteEntry[] = [];
  const app = await buildApp({
    ...harness.wiring,
    database,
    onRoute: (route: RouteOptions) => {
      const query = schemaKeys(route.schema?.querystring);
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, query, body: Boolean(route.schema?.body) });
    },
  });
  await app.ready();
  afterAll(() => app.close());
  return { app, routes };
}
