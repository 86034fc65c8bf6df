import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import iconv from 'iconv-lite';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { parseAnswer, UnreadableAnswerError } from './moderngov.js';

/**
 * HTTP to one council's ModernGov site, politely and defensively: at most
 * `concurrency` requests in flight, a pause between one request's start and
 * the next, a timeout on each (answer included), an answer read as a stream
 * up to a size limit, redirects followed only on the site's own host, and
 * retries with exponential backoff (or the site's Retry-After) for what may
 * pass: timeouts, network errors, 5xx, 429, an HTML error page sent with 200.
 * A 4xx other than 429, broken XML, an answer too large and a refused
 * redirect are final.
 */

export interface SitePolicy {
  /** Requests in flight to this site at once. */
  concurrency: number;
  /** Milliseconds between the starts of two requests. */
  pauseMs: number;
  /** One request, its redirects and its whole answer. */
  timeoutMs: number;
  /** Tries after the first. */
  retries: number;
  /** First backoff in ms; doubles each try. */
  backoffMs: number;
  userAgent: string;
  /** Bytes of one answer; past it the request is aborted. */
  maxAnswerBytes: number;
  /** The longest Retry-After waited for; a longer one ends the request. */
  maxRetryAfterMs: number;
  maxRedirects: number;
}

export const defaultSitePolicy = {
  concurrency: 2,
  pauseMs: 250,
  timeoutMs: 30_000,
  retries: 3,
  backoffMs: 2_000,
  maxAnswerBytes: 10 * 1024 * 1024,
  maxRetryAfterMs: 5 * 60_000,
  maxRedirects: 5,
} as const;

/**
 * What went wrong, for the harvest's error and the source's health note:
 * `refused` is the site turning us away (403, robots.txt), apart from an
 * `outage` (5xx, 429, timeouts, network errors), which may pass.
 */
export type SiteErrorKind = 'refused' | 'outage' | 'unreadable' | 'rejected';

export class SiteError extends Error {
  override readonly name = 'SiteError';
  constructor(
    message: string,
    readonly url: string,
    readonly kind: SiteErrorKind = 'outage',
    options: { retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.retryable = options.retryable ?? kind === 'outage';
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether trying again may pass: an outage may, unless the site asked for too long a wait. */
  readonly retryable: boolean;
  /** Milliseconds the site asked us to wait (Retry-After) before the next try. */
  readonly retryAfterMs: number | undefined;
}

export interface Site {
  readonly baseUrl: string;
  /** Requests sent so far, retries and redirects included. */
  readonly requests: number;
  /** GETs `mgWebService.asmx/<operation>` and parses the XML answer. */
  call(operation: 'GetCommittees' | 'GetMeetings' | 'GetMeeting', params?: Record<string, string>): Promise<Record<string, unknown>>;
}

/** A base URL as stored: http(s), its sub-path kept, no query, no trailing slash. */
export function normaliseBaseUrl(url: string): string {
  const parsed = new URL(url.trim());
  if (!/^https?:$/.test(parsed.protocol)) throw new TypeError('must be an http or https URL');
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '').replace(/\/mgWebService\.asmx.*$/i, '');
}

export function openSite(baseUrl: string, policy: SitePolicy, fetchImpl: typeof fetch = fetch): Site {
  const base = normaliseBaseUrl(baseUrl);
  const queue = new PQueue({ concurrency: policy.concurrency, interval: policy.pauseMs, intervalCap: 1 });
  const counter = { requests: 0 };
  const get = (url: string) => fetchText(url, { policy, base, fetchImpl, counter, accept: 'text/xml, application/xml;q=0.9, */*;q=0.1' });

  const once = async (url: string) => {
    const answer = await get(url);
    if (answer.status === 403) throw refusedError(url);
    if (answer.status === 429 || answer.status >= 500) {
      throw new SiteError(`the site answered ${answer.status} ${answer.statusText}`.trim(), url, 'outage', { retryAfterMs: retryAfter(answer, url, policy) });
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new SiteError(`the site answered ${answer.status} ${answer.statusText}`.trim(), url, 'rejected');
    }
    try {
      return parseAnswer(answer.text);
    } catch (error) {
      if (!(error instanceof UnreadableAnswerError)) throw error;
      // An HTML error page may pass (the site's application restarting); broken XML will not.
      if (/HTML page/.test(error.message)) throw new SiteError(error.message, url, 'outage');
      throw new SiteError(error.message, url, 'unreadable');
    }
  };

  return {
    baseUrl: base,
    get requests() {
      return counter.requests;
    },
    call(operation, params = {}) {
      const query = new URLSearchParams(params).toString();
      const url = `${base}/mgWebService.asmx/${operation}${query ? `?${query}` : ''}`;
      return pRetry(() => queue.add(() => once(url)) as Promise<Record<string, unknown>>, {
        retries: policy.retries,
        minTimeout: policy.backoffMs,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof SiteError && error.retryable,
        // The site's own Retry-After comes first; the backoff follows it.
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const wait = error instanceof SiteError && error.retryable ? error.retryAfterMs : undefined;
          if (wait && retriesLeft > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        },
      }).catch((error: unknown) => {
        throw error instanceof SiteError ? error : new SiteError((error as Error).message, url);
      });
    },
  };
}

export const refusedError = (url: string) =>
  new SiteError('refused by the site (403): it may turn away clients that are not browsers; ask the council to allow council-digest', url, 'refused');

export interface FetchedText {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * One GET of a site's URL: redirects followed on the site's own host only
 * (and never to an internal address unless the site is on one), the answer
 * read as a stream up to `maxAnswerBytes` and decoded by its declared
 * charset. Throws a SiteError for a timeout, a network error, an answer too
 * large or a refused redirect (those last two final).
 */
export async function fetchText(
  url: string,
  options: { policy: Pick<SitePolicy, 'timeoutMs' | 'userAgent' | 'maxAnswerBytes' | 'maxRedirects'>; base: string; fetchImpl?: typeof fetch; counter?: { requests: number }; accept: string },
): Promise<FetchedText> {
  const { policy } = options;
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const timedOut = () => new SiteError(`no answer within ${Math.round(policy.timeoutMs / 1000)} s`, url);
  let target = new URL(url);
  let response: Response;
  for (let hop = 0; ; hop += 1) {
    if (options.counter) options.counter.requests += 1;
    try {
      response = await (options.fetchImpl ?? fetch)(target, { headers: { 'user-agent': policy.userAgent, accept: options.accept }, signal, redirect: 'manual' });
    } catch (error) {
      if (signal.aborted) throw timedOut();
      throw new SiteError(describeNetworkError(error), url);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) break;
    await response.body?.cancel().catch(() => {});
    if (hop >= policy.maxRedirects) throw new SiteError(`more than ${policy.maxRedirects} redirects`, url, 'rejected');
    const next = new URL(location, target);
    const refusal = await redirectRefusal(new URL(options.base), next);
    if (refusal) throw new SiteError(`the site redirected to ${next.origin}, not followed: ${refusal}`, url, 'rejected');
    target = next;
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > policy.maxAnswerBytes) {
          await reader.cancel().catch(() => {});
          throw new SiteError(`the answer is larger than ${Math.round(policy.maxAnswerBytes / 1024 / 1024)} MB (HARVEST_MAX_ANSWER_MB), not read`, url, 'unreadable');
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof SiteError) throw error;
      if (signal.aborted) throw timedOut();
      throw new SiteError(`the answer broke off: ${describeNetworkError(error)}`, url);
    }
  }
  return { status: response.status, statusText: response.statusText, headers: response.headers, text: decodeAnswer(Buffer.concat(chunks), response.headers.get('content-type')) };
}

/**
 * An answer's text by the charset its Content-Type header declares, else its
 * XML declaration's encoding, else UTF-8; a byte-order mark wins over both
 * and is dropped. An unknown charset is read as UTF-8. ISO-8859-1 and ASCII
 * are read as windows-1252, as browsers do (sites that say so send curly
 * quotes). iconv-lite, because Node's TextDecoder reads windows-1252 as
 * ISO-8859-1.
 */
export function decodeAnswer(bytes: Buffer, contentType: string | null): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 'utf-8' : bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  const declared =
    bom ??
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1] ??
    'utf-8';
  const charset = /^(iso-?8859-1|latin-?1|l1|us-ascii|ascii|cp819)$/i.test(declared) ? 'windows-1252' : declared;
  return iconv.decode(bytes, iconv.encodingExists(charset) ? charset : 'utf-8');
}

/** When to try again, from a 429 or 503's Retry-After (seconds, or an HTTP date); past the cap, the request ends here. */
function retryAfter(answer: FetchedText, url: string, policy: Pick<SitePolicy, 'maxRetryAfterMs'>): number | undefined {
  if (answer.status !== 429 && answer.status !== 503) return undefined;
  const header = answer.headers.get('retry-after')?.trim();
  if (!header) return undefined;
  const ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  if (ms > policy.maxRetryAfterMs) {
    throw new SiteError(
      `the site answered ${answer.status} and asked us to come back in ${Math.ceil(ms / 1000)} s (Retry-After), longer than the ${Math.round(policy.maxRetryAfterMs / 1000)} s we wait`,
      url,
      'outage',
      { retryable: false },
    );
  }
  return Math.max(ms, 0);
}

const internal = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) internal.addSubnet(network, prefix, 'ipv6');

/** Loopback, private, link-local or unspecified (IPv4, IPv6, and IPv4 mapped into IPv6). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 4 ? internal.check(address, 'ipv4') : family === 6 ? internal.check(address, 'ipv6') : false;
}

async function addressesOf(hostname: string): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  try {
    return (await lookup(bare, { all: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}

/**
 * Why a redirect from the source at `base` to `next` is not followed, or
 * undefined when it may be: only to the source's own host (http, or https),
 * never from https down to http, and never to an internal address (checked
 * on what the name resolves to) unless the source itself is on one.
 */
export async function redirectRefusal(base: URL, next: URL, resolve: (hostname: string) => Promise<string[]> = addressesOf): Promise<string | undefined> {
  if (!/^https?:$/.test(next.protocol)) return 'not http or https';
  if (next.hostname.toLowerCase() !== base.hostname.toLowerCase()) return `another host than the source's (${base.hostname})`;
  if (base.protocol === 'https:' && next.protocol === 'http:') return 'from https down to http';
  const [sourceAddresses, targetAddresses] = await Promise.all([resolve(base.hostname), resolve(next.hostname)]);
  if (targetAddresses.length === 0) return 'its name does not resolve';
  if (targetAddresses.some(isInternalAddress) && !sourceAddresses.some(isInternalAddress)) return 'an internal address';
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ENOTFOUND') return 'the site\'s name does not resolve';
  if (cause?.code === 'ECONNREFUSED') return 'the site refused the connection';
  return `the request failed: ${cause?.message ?? (error as Error).message}`;
}
