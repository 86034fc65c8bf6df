import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { readCommittees } from '../../src/harvest/moderngov.js';
import { createSource, findSource, queueHarvest } from '../../src/harvest/repo.js';
import { runHarvest, type HarvestDeps } from '../../src/harvest/run.js';
import { defaultSitePolicy, isInternalAddress, openSite, redirectRefusal, SiteError, type SitePolicy } from '../../src/harvest/site.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../helpers/db.js';
import { startModernGovSite, unavailable, xml, type ModernGovSite } from '../helpers/moderngov-site.js';

const policy: SitePolicy = { ...defaultSitePolicy, pauseMs: 0, backoffMs: 5, retries: 2, timeoutMs: 5_000, userAgent: 'council-digest (+https://digest.example.org)' };
const window = { from: '2024-12-01', to: '2025-08-31' };

let database: Database;
let site: ModernGovSite;

beforeAll(async () => {
  database = await createTestDatabase();
  site = await startModernGovSite();
});
afterAll(() => site.close());

/** A site of its own for one case, closed after it. */
async function withSite(use: (one: ModernGovSite) => Promise<void>) {
  const one = await startModernGovSite();
  try {
    await use(one);
  } finally {
    await one.close();
  }
}

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a SiteError'), (error: unknown) => error as SiteError);
const keyed = (one: ModernGovSite, key: string) => one.requests.filter((request) => request.key === key);

const committees = (title: string) =>
  `<committees><committee><committeeid>1</committeeid><committeetitle>${title}</committeetitle><committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee></committees>`;

/** Text as windows-1252 bytes: £ and curly quotes are single bytes that are not UTF-8. */
function windows1252(text: string): Buffer {
  const special: Record<string, number> = { '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96 };
  return Buffer.from([...text].map((char) => special[char] ?? char.charCodeAt(0)));
}

describe('answers in other charsets', () => {
  const title = '£1.2m “Children’s” Panel – Budget';

  it('reads windows-1252 declared in the Content-Type header', async () => {
    site.route('GetCommittees', { body: windows1252(committees(title)), contentType: 'text/xml; charset=windows-1252' });
    expect(readCommittees(await openSite(site.url, policy).call('GetCommittees'))[0]!.title).toBe(title);
  });

  it('reads windows-1252 declared in the XML declaration', async () => {
    site.route('GetCommittees', { body: windows1252(`<?xml version="1.0" encoding="windows-1252"?>${committees(title)}`), contentType: 'text/xml' });
    expect(readCommittees(await openSite(site.url, policy).call('GetCommittees'))[0]!.title).toBe(title);
  });

  it('drops a byte-order mark', async () => {
    site.route('GetCommittees', { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<?xml version="1.0" encoding="utf-8"?>${committees(title)}`)]), contentType: 'text/xml; charset=utf-8' });
    expect(readCommittees(await openSite(site.url, policy).call('GetCommittees'))[0]!.title).toBe(title);
  });
});

describe('a site that misbehaves', () => {
  it('aborts a 50 MB answer past HARVEST_MAX_ANSWER_MB, reading no more of it, and the harvest ends cleanly', async () => {
    await withSite(async (huge) => {
      let sent = 0;
      huge.handle((request, response, url) => {
        if (!url.search.includes('lMeetingId=1001')) return false;
        response.writeHead(200, { 'content-type': 'text/xml' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const write = () => {
          while (sent < 50 * 1024 * 1024 && !response.destroyed) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', write);
          }
          response.end();
        };
        response.write('<getmeeting><meeting><meetingid>1001</meetingid><x>');
        write();
        return true;
      });
      const source = await createSource(database.db, { council: 'Huge Borough Council', kind: 'moderngov', url: huge.url });
      const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
      const harvest = await runHarvest(deps(), id);
      expect(harvest.status).toBe('finished');
      expect(harvest.errors).toEqual([{ meeting: '1001', message: expect.stringContaining('the answer is larger than 10 MB (HARVEST_MAX_ANSWER_MB), not read') }]);
      expect(harvest.created).toBe(4);
      // Too large is final: asked once, and the site stopped well short of 50 MB.
      expect(keyed(huge, 'GetMeeting:1001')).toHaveLength(1);
      expect(sent).toBeLessThan(25 * 1024 * 1024);
    });
  });

  it('reports an answer that never ends as a timeout, not as broken XML', async () => {
    await withSite(async (drip) => {
      const timers: NodeJS.Timeout[] = [];
      drip.handle((request, response) => {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.write('<');
        timers.push(setInterval(() => !response.destroyed && response.write('a'), 1000));
        return true;
      });
      try {
        const error = await failure(openSite(drip.url, { ...policy, timeoutMs: 1000, retries: 0 }).call('GetCommittees'));
        expect(error.message).toBe('no answer within 1 s');
        expect(error.kind).toBe('outage');
      } finally {
        timers.forEach(clearInterval);
      }
    });
  });

  it('does not retry broken XML, and still retries an HTML error page sent with 200', async () => {
    await withSite(async (broken) => {
      broken.route('GetMeeting:1', xml('<getmeeting><meeting><meetingid>1</meeting></getmeeting>'));
      const error = await failure(openSite(broken.url, policy).call('GetMeeting', { lMeetingId: '1' }));
      expect(error.message).toContain('not well-formed XML');
      expect(keyed(broken, 'GetMeeting:1')).toHaveLength(1);
      broken.route('GetMeeting:2', { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>Runtime Error</body></html>' });
      await failure(openSite(broken.url, policy).call('GetMeeting', { lMeetingId: '2' }));
      expect(keyed(broken, 'GetMeeting:2')).toHaveLength(3);
    });
  });

  it('tells a 403 (refused, not retried) apart from a 503 (an outage, retried)', async () => {
    await withSite(async (shield) => {
      shield.route('GetCommittees', { status: 403, body: 'Forbidden', contentType: 'text/html' });
      const refused = await failure(openSite(shield.url, policy).call('GetCommittees'));
      expect(refused).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^refused by the site \(403\)/) });
      expect(keyed(shield, 'GetCommittees')).toHaveLength(1);
      shield.route('GetCommittees', unavailable);
      const down = await failure(openSite(shield.url, policy).call('GetCommittees'));
      expect(down).toMatchObject({ kind: 'outage', message: 'the site answered 503 Service Unavailable' });
      expect(keyed(shield, 'GetCommittees')).toHaveLength(1 + 3);
    });
  });

  it('notes a 403 on the source as "refused by the site (403)", and a 503 as no note', async () => {
    await withSite(async (shield) => {
      shield.route('GetCommittees', { status: 403, body: 'Forbidden', contentType: 'text/html' });
      const source = await createSource(database.db, { council: 'Shielded County Council', kind: 'moderngov', url: shield.url });
      const { id } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
      const refused = await runHarvest(deps(), id);
      expect(refused.status).toBe('failed');
      expect(refused.errors[0]!.message).toMatch(/^The site cannot be read: refused by the site \(403\)/);
      expect((await findSource(database.db, source.id))!.healthNote).toMatch(/^refused by the site \(403\)/);
      shield.route('GetCommittees', unavailable);
      const { id: next } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
      expect((await runHarvest(deps({ retries: 0 }), next)).errors[0]!.message).toMatch(/503/);
      // An outage says nothing new about refusal; the note stays until a harvest gets through.
      expect((await findSource(database.db, source.id))!.healthNote).toMatch(/^refused by the site \(403\)/);
      shield.route('GetCommittees', xml(committees('Cabinet')));
      shield.route('GetMeetings:1', xml('<meetings></meetings>'));
      const { id: last } = await queueHarvest(database.db, { sourceId: source.id, ...window, trigger: 'test' });
      expect((await runHarvest(deps(), last)).status).toBe('finished');
      expect((await findSource(database.db, source.id))!.healthNote).toBeNull();
    });
  });

  it('waits as long as a 503 or 429 asks with Retry-After, in seconds or as a date', async () => {
    await withSite(async (busy) => {
      busy.route('GetCommittees', [{ ...unavailable, headers: { 'retry-after': '1' } }, xml(committees('Cabinet'))]);
      await openSite(busy.url, policy).call('GetCommittees');
      const [first, second] = keyed(busy, 'GetCommittees');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
      busy.route('GetMeetings:1', [{ status: 429, body: 'Too many', headers: { 'retry-after': new Date(Date.now() + 1000).toUTCString() } }, xml('<meetings></meetings>')]);
      await openSite(busy.url, policy).call('GetMeetings', { lCommitteeId: '1' });
      expect(keyed(busy, 'GetMeetings:1')).toHaveLength(2);
    });
  });

  it('gives up at once, saying why, when Retry-After asks for more than five minutes', async () => {
    await withSite(async (busy) => {
      busy.route('GetCommittees', { ...unavailable, headers: { 'retry-after': '3600' } });
      const error = await failure(openSite(busy.url, policy).call('GetCommittees'));
      expect(error.message).toBe('the site answered 503 and asked us to come back in 3600 s (Retry-After), longer than the 300 s we wait');
      expect(keyed(busy, 'GetCommittees')).toHaveLength(1);
    });
  });
});

describe('redirects', () => {
  it('follows one on the source\'s own host', async () => {
    await withSite(async (moved) => {
      moved.route('GetCommittees', xml(committees('Cabinet')));
      moved.handle((request, response, url) => {
        if (!url.pathname.startsWith('/old/')) return false;
        response.writeHead(302, { location: url.pathname.replace('/old/', '/moderngov/') + url.search }).end();
        return true;
      });
      const answer = await openSite(moved.url.replace('/moderngov', '/old'), policy).call('GetCommittees');
      expect(readCommittees(answer).map((committee) => committee.title)).toEqual(['Cabinet']);
    });
  });

  it('refuses one to another host, never asking it', async () => {
    await withSite(async (moved) => {
      const port = new URL(moved.url).port;
      moved.handle((request, response, url) => {
        if (url.pathname.startsWith('/moderngov/')) return false;
        // Another name for another host, as far as the source is concerned: the service's own admin API, say.
        response.writeHead(302, { location: `http://localhost:${port}/api/admin/sources` }).end();
        return true;
      });
      const error = await failure(openSite(moved.url.replace('/moderngov', '/old'), policy).call('GetCommittees'));
      expect(error.message).toBe(`the site redirected to http://localhost:${port}, not followed: another host than the source's (127.0.0.1)`);
      expect(moved.requests.map((request) => request.path)).toEqual(['/old/mgWebService.asmx/GetCommittees']);
    });
  });

  it('stops after five hops', async () => {
    await withSite(async (loop) => {
      loop.handle((request, response, url) => {
        response.writeHead(301, { location: `${url.pathname}x` }).end();
        return true;
      });
      expect((await failure(openSite(loop.url, policy).call('GetCommittees'))).message).toBe('more than 5 redirects');
      expect(loop.requests).toHaveLength(6);
    });
  });

  it('never goes to a loopback, private or link-local address unless the source is on one, by what the name resolves to', async () => {
    const resolver = (table: Record<string, string[]>) => async (name: string) => table[name] ?? [];
    const base = new URL('https://democracy.example.gov.uk/moderngov');
    const same = new URL('https://democracy.example.gov.uk/mgWebService.asmx/GetCommittees');
    expect(await redirectRefusal(base, same, resolver({ 'democracy.example.gov.uk': ['93.184.216.34'] }))).toBeUndefined();
    let calls = 0;
    // The name resolved to a public address for the source, then to loopback (DNS rebinding).
    const rebinding = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    expect(await redirectRefusal(base, same, rebinding)).toBe('an internal address');
    expect(await redirectRefusal(new URL('http://127.0.0.1:8080/mg'), new URL('http://127.0.0.1:8080/other'), resolver({ '127.0.0.1': ['127.0.0.1'] }))).toBeUndefined();
    expect(await redirectRefusal(base, new URL('http://democracy.example.gov.uk/x'), resolver({ 'democracy.example.gov.uk': ['93.184.216.34'] }))).toBe('from https down to http');
    expect(await redirectRefusal(new URL('http://a.example/'), new URL('https://a.example/'), resolver({ 'a.example': ['93.184.216.34'] }))).toBeUndefined();
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2a00:1450:4009:81f::200e']) expect(isInternalAddress(address), address).toBe(false);
  });
});

function deps(change: Partial<SitePolicy> = {}): HarvestDeps {
  return {
    db: database.db,
    logger: createLogger({ level: 'silent' }),
    userAgent: policy.userAgent,
    now: () => new Date('2025-07-01T12:00:00Z'),
    policy: { pauseMs: 0, backoffMs: 5, retries: 2, timeoutMs: 5_000, ...change },
  };
}
