import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

/**
 * A ModernGov web service served on loopback from answers recorded in a
 * folder (`committees.xml`, `meetings-<committee id>.xml`,
 * `meeting-<meeting id>.xml`), every dd/mm/yyyy date in them moved by
 * `shiftDays`: what the demo harvests, so it needs no network. Its
 * `ieListDocuments.aspx` answers a short page saying it stands in for the
 * council's, so the links in the demo's digests lead somewhere.
 */

export interface RecordedSite {
  /** The base URL a source names. */
  url: string;
  close(): Promise<void>;
}

/** Every dd/mm/yyyy date in `text` moved by `days`. */
export function shiftDates(text: string, days: number): string {
  if (days === 0) return text;
  return text.replace(/\b(\d{2})\/(\d{2})\/(\d{4})\b/g, (whole, day: string, month: string, year: string) => {
    const date = DateTime.fromObject({ year: Number(year), month: Number(month), day: Number(day) }, { zone: 'UTC' });
    return date.isValid ? date.plus({ days }).toFormat('dd/MM/yyyy') : whole;
  });
}

/** The route a recorded answer's file answers: `committees.xml`, `meetings-<id>.xml`, `meeting-<id>.xml`; null for any other file. */
export function answerKey(file: string): string | null {
  if (file === 'committees.xml') return 'GetCommittees';
  const list = /^meetings-(\d+)\.xml$/.exec(file);
  if (list) return `GetMeetings:${list[1]}`;
  const one = /^meeting-(\d+)\.xml$/.exec(file);
  return one ? `GetMeeting:${one[1]}` : null;
}

/** The route a request to the web service asks for (`GetMeeting:<id>`, as answerKey names them); '' for anything else. */
export function requestKey(url: URL, basePath: string): string {
  const operation = new RegExp(`^${basePath}/mgWebService\\.asmx/(\\w+)$`, 'i').exec(url.pathname)?.[1] ?? '';
  if (operation === 'GetMeetings') return `GetMeetings:${url.searchParams.get('lCommitteeId')}`;
  if (operation === 'GetMeeting') return `GetMeeting:${url.searchParams.get('lMeetingId')}`;
  return operation;
}

export async function serveRecordedSite(folder: string, options: { shiftDays?: number; basePath?: string } = {}): Promise<RecordedSite> {
  const answers = new Map<string, string>();
  for (const file of readdirSync(folder)) {
    const key = answerKey(file);
    if (key) answers.set(key, shiftDates(readFileSync(`${folder}/${file}`, 'utf8'), options.shiftDays ?? 0));
  }
  const basePath = options.basePath ?? '/moderngov';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === `${basePath}/ieListDocuments.aspx`) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Council page</title><p>This stands in for the council\'s own page of the meeting, in the council-digest demo.</p>');
      return;
    }
    const body = answers.get(requestKey(url, basePath));
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
