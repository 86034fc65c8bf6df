import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import { parseAnswer, UnreadableAnswerError } from './moderngov.js';

/**
 * HTTP to one council's ModernGov site, politely: at most `concurrency`
 * requests in flight, a pause between one request's start and the next, a
 * timeout on each, and retries with exponential backoff for what may pass
 * (timeouts, 5xx, 429, an HTML error page sent with 200). A 4xx other than
 * 429 is final.
 */

export interface SitePolicy {
  /** Requests in flight to this site at once. */
  concurrency: number;
  /** Milliseconds between the starts of two requests. */
  pauseMs: number;
  timeoutMs: number;
  /** Tries after the first. */
  retries: number;
  /** First backoff in ms; doubles each try. */
  backoffMs: number;
  userAgent: string;
}

export const defaultSitePolicy = { concurrency: 2, pauseMs: 250, timeoutMs: 60_000, retries: 3, backoffMs: 2_000 } as const;

export class SiteError extends Error {
  override readonly name = 'SiteError';
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface Site {
  readonly baseUrl: string;
  /** Requests sent so far, retries included. */
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
  let requests = 0;

  const once = async (url: string) => {
    requests += 1;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { 'user-agent': policy.userAgent, accept: 'text/xml, application/xml;q=0.9, */*;q=0.1' },
        signal: AbortSignal.timeout(policy.timeoutMs),
        redirect: 'follow',
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${Math.round(policy.timeoutMs / 1000)} s` : describeNetworkError(error);
      throw new SiteError(reason, url);
    }
    const body = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500) throw new SiteError(`the site answered ${response.status} ${response.statusText}`.trim(), url);
    if (!response.ok) throw new AbortError(new SiteError(`the site answered ${response.status} ${response.statusText}`.trim(), url));
    try {
      return parseAnswer(body);
    } catch (error) {
      if (error instanceof UnreadableAnswerError) throw new SiteError(error.message, url);
      throw error;
    }
  };

  return {
    baseUrl: base,
    get requests() {
      return requests;
    },
    call(operation, params = {}) {
      const query = new URLSearchParams(params).toString();
      const url = `${base}/mgWebService.asmx/${operation}${query ? `?${query}` : ''}`;
      return pRetry(() => queue.add(() => once(url)) as Promise<Record<string, unknown>>, {
        retries: policy.retries,
        minTimeout: policy.backoffMs,
        factor: 2,
        randomize: true,
      }).catch((error: unknown) => {
        throw error instanceof SiteError ? error : new SiteError((error as Error).message, url);
      });
    },
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ENOTFOUND') return 'the site\'s name does not resolve';
  if (cause?.code === 'ECONNREFUSED') return 'the site refused the connection';
  return `the request failed: ${cause?.message ?? (error as Error).message}`;
}
