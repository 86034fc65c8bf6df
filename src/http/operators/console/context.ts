import type { FastifyReply, FastifyRequest } from 'fastify';
import { findActor } from '../../plugins/roles.js';
import type { PageContext } from './layout.js';

/** Who is looking (nobody yet, on the sign-in pages) and their form token: what every page is rendered with. */
export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { actor: findActor(request) ?? null, csrf: reply.generateCsrf() };
}
