import autocannon from 'autocannon';
import type { LoadOptions } from './processes.js';

/**
 * autocannon in its own process (bench/processes.ts starts it), so the load
 * generator never shares an event loop with the API. `[<id>]` in the body
 * becomes a new number per request: every sign-up is a new address. (The
 * CLI's own id replacement leaves a stale Content-Length, and the server
 * waits for bytes that never come.)
 */
const options = JSON.parse(process.argv[2]!) as LoadOptions;
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  requests: [
    {
      method: options.method,
      headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      setupRequest: (request) => (options.body ? { ...request, body: options.body.replaceAll('[<id>]', String(next++)) } : request),
    },
  ],
});
console.log(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors }));
