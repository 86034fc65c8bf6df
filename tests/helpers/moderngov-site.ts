import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { answerKey, requestKey } from '../../src/harvest/recorded-site.js';
import { DateTime } from 'luxon';

/**
 * A real HTTP server that answers like a council's ModernGov web service,
 * from answers the test gives it: `GetCommittees`, `GetMeetings:<committee
 * id>`, `GetMeeting:<meeting id>`. An answer may be a list, one per request
 * in turn (the last repeats), to make a site fail and then recover.
 */

export interface SiteAnswer {
  status?: number;
  /** Bytes, for an answer in another charset than UTF-8. */
  body: string | Buffer;
  contentType?: string;
  delayMs?: number;
  /** More response headers (Retry-After, Location). */
  headers?: Record<string, string>;
}

/**
 * Answers a request itself (a drip, a huge body, a redirect to anywhere)
 * and returns true; false leaves it to the routes. Requests it takes are
 * still recorded.
 */
export type RawHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

export type SiteRoute = SiteAnswer | SiteAnswer[];

export interface SiteRequest {
  key: string;
  path: string;
  query: Record<string, string>;
  userAgent: string;
  /** Date.now() when it arrived. */
  at: number;
}

export interface ModernGovSite {
  /** The base URL a source names (with its sub-path). */
  url: string;
  requests: SiteRequest[];
  /** The most requests this site had in flight at once. */
  maxInFlight: number;
  /** `robots.txt` is the key of /robots.txt. */
  route(key: string, answer: SiteRoute): void;
  /** Takes requests before the routes (see RawHandler); undefined removes it. */
  handle(raw: RawHandler | undefined): void;
  close(): Promise<void>;
}

export const xml = (body: string, status = 200): SiteAnswer => ({ status, body, contentType: 'text/xml; charset=utf-8' });

export const htmlErrorPage: SiteAnswer = {
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body: '<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in \'/\' Application.</h1></body></html>',
};

export const unavailable: SiteAnswer = { status: 503, body: 'Service Unavailable', contentType: 'text/plain' };

const fixtures = fileURLToPath(new URL('../fixtures/moderngov/', import.meta.url));

/**
 * The recorded answers in tests/fixtures/moderngov, by route key: a
 * council-run site's (the default), or another site's from its folder
 * (`hosted`, a *.moderngov.co.uk site; `sparse`; `warnings`).
 */
export function recordedAnswers(site = ''): Map<string, SiteRoute> {
  const answers = new Map<string, SiteRoute>();
  const folder = site ? `${fixtures}${site}/` : fixtures;
  for (const file of readdirSync(folder)) {
    const key = answerKey(file);
    if (key) answers.set(key, xml(readFileSync(`${folder}${file}`, 'utf8')));
  }
  return answers;
}

export async function startModernGovSite(options: { answers?: Map<string, SiteRoute>; basePath?: string } = {}): Promise<ModernGovSite> {
  const answers = new Map(options.answers ?? recordedAnswers());
  const served = new Map<string, number>();
  const basePath = options.basePath ?? '/moderngov';
  const site = { requests: [] as SiteRequest[], maxInFlight: 0 };
  let inFlight = 0;
  let raw: RawHandler | undefined;

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const key = url.pathname === '/robots.txt' ? 'robots.txt' : requestKey(url, basePath);
    site.requests.push({ key, path: url.pathname, query, userAgent: request.headers['user-agent'] ?? '', at: Date.now() });
    if (raw?.(request, response, url)) return;
    inFlight += 1;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    const route = answers.get(key);
    const count = served.get(key) ?? 0;
    served.set(key, count + 1);
    const answer: SiteAnswer = !route
      ? { status: 404, body: 'Not found', contentType: 'text/plain' }
      : Array.isArray(route)
        ? route[Math.min(count, route.length - 1)]!
        : route;
    setTimeout(() => {
      inFlight -= 1;
      response.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'text/xml', ...answer.headers }).end(answer.body);
    }, answer.delayMs ?? 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    get requests() {
      return site.requests;
    },
    get maxInFlight() {
      return site.maxInFlight;
    },
    route(key, answer) {
      answers.set(key, answer);
      served.delete(key);
    },
    handle(handler) {
      raw = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A made-up site of `committees` committees with `perCommittee` meetings
 * each, every meeting with a few items of minutes and decisions, in the
 * shape real sites answer: what the bench harvests.
 */
export function generatedAnswers(options: { committees: number; perCommittee: number; start: Date }): Map<string, SiteRoute> {
  const answers = new Map<string, SiteRoute>();
  const day = (offset: number) => {
    const date = new Date(options.start.getTime() + offset * 86_400_000);
    return `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
  };
  const committees: string[] = [];
  for (let c = 1; c <= options.committees; c += 1) {
    committees.push(`  <committee>\n    <committeeid>${c}</committeeid>\n    <committeetitle>Committee ${c}</committeetitle>\n    <committeedeleted>False</committeedeleted>\n    <committeeexpired>False</committeeexpired>\n  </committee>`);
    const meetings: string[] = [];
    for (let m = 0; m < options.perCommittee; m += 1) {
      const id = c * 1000 + m;
      const date = day((c + m * 7) % 80);
      meetings.push(`      <meeting>\n        <meetingid>${id}</meetingid>\n        <meetingdate>${date}</meetingdate>\n        <meetingstatus>Confirmed</meetingstatus>\n        <meetingtime>2.00 pm</meetingtime>\n      </meeting>`);
      const items = [1, 2, 3, 4]
        .map(
          (n) => `    <agendaitem>
      <agendaitemid>${id * 10 + n}</agendaitemid>
      <agendaitemtitle>Item ${n}: school transport and foster care budget</agendaitemtitle>
      <agendatext>&lt;p class="MsoNormal"&gt;A report on school transport and foster care.&lt;/p&gt;</agendatext>
      <agendaitemnumber>${n}</agendaitemnumber>
      <fulldisplaynumberformat>${n}.</fulldisplaynumberformat>
      <minutesnonemptyhtmlbody>&lt;div class="WordSection1"&gt;
&lt;p class="MsoNormal"&gt;Members discussed the report on school transport, costing
&amp;pound;${n}.5m, and foster carers&amp;#39; allowances.&lt;/p&gt;
&lt;ul&gt;&lt;li&gt;First point&lt;/li&gt;&lt;li&gt;Second point&lt;/li&gt;&lt;/ul&gt;
&lt;/div&gt;</minutesnonemptyhtmlbody>
      <decisionnonemptyhtmlbody>&lt;p class="MsoNormal"&gt;RESOLVED: the report was noted.&lt;/p&gt;</decisionnonemptyhtmlbody>
      <isdecision>True</isdecision>
      <isdecisionpublished>True</isdecisionpublished>
      <isminutepublished>True</isminutepublished>
      <isrestricted>False</isrestricted>
      <linkeddocuments>
        <linkeddoc>
          <attachmentid>${id * 10 + n}</attachmentid>
          <title>Report ${n}</title>
          <url>https://example.gov.uk/mgConvert2PDF.aspx?ID=${id * 10 + n}</url>
          <isrestricted>False</isrestricted>
        </linkeddoc>
      </linkeddocuments>
    </agendaitem>`,
        )
        .join('\n');
      answers.set(
        `GetMeeting:${id}`,
        xml(`<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>${id}</meetingid>
  <meetingdate>${date}</meetingdate>
  <meetingstatus>Confirmed</meetingstatus>
  <meetingtime>2.00 pm</meetingtime>
  <agendapublished>True</agendapublished>
  <decisionpublished>True</decisionpublished>
  <minutepublished>True</minutepublished>
  <agendaitems>
${items}
  </agendaitems>
  <attendees>
    <attendee memberid="${c}" name="Councillor A ${c}" roledescription="Chair" attendance="Present" politicalparty="Independent" />
  </attendees>
</meeting>
`),
      );
    }
    answers.set(
      `GetMeetings:${c}`,
      xml(`<?xml version="1.0" encoding="utf-8"?>
<getmeetings>
  <committee>
    <committeeid>${c}</committeeid>
    <committeetitle>Committee ${c}</committeetitle>
    <committeemeetings>
${meetings.join('\n')}
    </committeemeetings>
  </committee>
</getmeetings>
`),
    );
  }
  answers.set('GetCommittees', xml(`<?xml version="1.0" encoding="utf-8"?>\n<committees>\n${committees.join('\n')}\n</committees>\n`));
  return answers;
}

/** For `sources check`: a site whose first live committee has met recently: its newest past meeting has 2 items and 3 papers. */
export function recentSite(): Map<string, SiteRoute> {
  const committee = (id: number, title: string, expired = false) =>
    `<committee><committeeid>${id}</committeeid><committeetitle>${title}</committeetitle><committeedeleted>False</committeedeleted><committeeexpired>${expired ? 'True' : 'False'}</committeeexpired></committee>`;
  const meeting = (id: number, offset: number) => `<meeting><meetingid>${id}</meetingid><meetingdate>${day(offset)}</meetingdate></meeting>`;
  const doc = (n: number) => `<linkeddoc><title>Paper ${n}</title><url>https://example.gov.uk/s${n}.pdf</url></linkeddoc>`;
  return new Map<string, SiteRoute>([
    ['GetCommittees', xml(`<committees>${committee(9, 'Old Panel', true)}${committee(1, 'Licensing')}${committee(2, 'Cabinet')}${committee(3, 'Planning')}</committees>`)],
    ['GetMeetings:1', xml('<meetings></meetings>')],
    ['GetMeetings:2', xml(`<meetings>${meeting(201, -40)}${meeting(202, -12)}${meeting(203, 9)}</meetings>`)],
    [
      'GetMeeting:202',
      xml(
        `<meeting><meetingid>202</meetingid><meetingdate>${day(-12)}</meetingdate><meetingtime>18:00</meetingtime>` +
          `<agendaitems><agendaitem><agendaitemnumber>1</agendaitemnumber><agendaitemtitle>Budget</agendaitemtitle><linkeddocuments>${doc(2)}${doc(3)}</linkeddocuments></agendaitem>` +
          `<agendaitem><agendaitemnumber>2</agendaitemnumber><agendaitemtitle>Parking</agendaitemtitle><linkeddocuments>${doc(1)}</linkeddocuments></agendaitem></agendaitems></meeting>`,
      ),
    ],
  ]);
}

const day = (offset: number) => DateTime.now().setZone('Europe/London').plus({ days: offset }).toFormat('dd/MM/yyyy');
