/**
 * Tests never leave this machine: a fetch to anything but loopback fails at
 * once, saying which test reached out. The seeded councils' sources name
 * the real councils' sites, and a test that checks or harvests one by
 * accident would otherwise try the network (set in vitest.config.ts's
 * setupFiles). Processes the tests start (the CLI, workers) are not covered:
 * their tests point them at loopback sites.
 */
const realFetch = globalThis.fetch;

const loopback = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);

globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!loopback(url.hostname)) {
    return Promise.reject(new TypeError(`tests reach only loopback: refused a fetch of ${url.href}`, { cause: { code: 'ENOTFOUND', message: `tests reach only loopback (${url.hostname})` } }));
  }
  return realFetch(input, init);
};
