import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertHeaders, alertLinks, composeAlert, renderAlert } from '../src/alerts/email.js';
import type { AlertRow } from '../src/alerts/repo.js';
import { startEmbeddedSmtp } from '../src/mail/embedded-smtp.js';
import { loadTemplates, type RenderedEmail, type Templates } from '../src/mail/templates.js';
import { createSmtpMailer } from '../src/mail/transport.js';
// The typed emails of each capability (their TemplateData declarations).
import '../src/console/emails.js';
import '../src/digests/email.js';
import '../src/feeds/emails.js';
import '../src/subscribers/messages.js';

/**
 * `npm run spam-check`: every kind of mail the service sends, scored by
 * SpamAssassin with local rules only (`spamassassin -L -t`, Debian's
 * `spamassassin` package); exits 1 when any scores above 0, or when a
 * template has no sample here (a new kind of mail must be scored too).
 *
 * The digests and the feed digest are the demo's (`council-digest demo
 * --once` into a scratch DATA_DIR); the confirmation, manage, feed
 * confirmation, feed decision and console sign-in mails are rendered from
 * their templates with sample values and sent through the same transport
 * into the same kind of outbox, so each is scored as it would go out.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const base = 'http://localhost:3000';
const token = 'v1.3q2x7c9k1m4n8p0r5s6t.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_';
const choices = [
  { label: 'Councils', values: ['Hertfordshire County Council'] },
  { label: 'Topics', values: ['Care leavers', 'Fostering and adoption'] },
];

const mailSettings = { baseUrl: base, mailFrom: 'Council Digest <digest@localhost>', tokenSecret: 's'.repeat(40) };
const alertSubscriber = { publicId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', tokenVersion: 1 };

/** An alert as the send job builds it: a followed planning application, and a committee opted in to. */
function alertSamples(templates: Templates) {
  const meeting = (id: number, committee: string, day: string) => ({
    id,
    title: `${committee}, ${day}`,
    committee,
    council: 'East Herts Council',
    councilWebsite: 'https://www.eastherts.gov.uk',
    startsAt: new Date(`${day}T18:00:00Z`),
    endsAt: null,
    location: 'Council Chamber, Wallfields, Pegs Lane, Hertford, SG13 8EQ',
    councilUrl: `https://democracy.eastherts.gov.uk/ieListDocuments.aspx?CId=140&MId=${id}`,
  });
  const item = (id: number, number: string, heading: string, text: string, publicSpeaking: boolean | null) => ({
    id,
    number,
    heading,
    agenda: [{ type: 'paragraph', text }],
    publicSpeaking,
    papers: [{ title: `Officer report: ${heading.slice(0, 40)}`, url: `https://democracy.eastherts.gov.uk/documents/s${id}/report.pdf` }],
  });
  const followed: AlertRow = {
    mailId: 1,
    alertId: 1,
    reason: 'follow',
    followed: ['3/25/1234/FUL: Land north of Mangrove Road, Hertford'],
    sectionIds: [11],
    meeting: meeting(501, 'Development Management Committee', '2025-07-16'),
    items: [
      item(11, '5a', '3/25/1234/FUL: Land north of Mangrove Road, Hertford', 'Erection of 40 dwellings with access from Mangrove Road, open space and landscaping. The officer recommends that planning permission be granted subject to a legal agreement.', true),
      item(12, '5b', '3/25/0871/HH: 12 Fore Street, Hertford', 'Single storey rear extension.', false),
    ],
  };
  const committee: AlertRow = {
    mailId: 1,
    alertId: 2,
    reason: 'committee',
    followed: [],
    sectionIds: [],
    meeting: meeting(502, 'Overview and Scrutiny Committee', '2025-07-22'),
    items: [
      item(21, '6', 'Waste and recycling contract review', 'A review of the first year of the joint waste contract with North Herts, with missed collections by month.', null),
      item(22, '7', 'Work programme update', 'Items proposed for the rest of the year.', null),
    ],
  };
  const links = alertLinks(mailSettings, alertSubscriber, new Date('2025-07-08T09:00:00Z'));
  const render = (alerts: AlertRow[]) => ({
    ...renderAlert(templates, composeAlert(alerts, { recipient: 'alert@example.org', links, zone: 'Europe/London', matched: new Map() })),
    headers: alertHeaders(mailSettings, links),
  });
  return [render([followed]), render([followed, committee])];
}

/** Sample values for every email but the digest (the demo sends real ones). */
function samples(templates: Templates): Record<string, (RenderedEmail & { headers?: Record<string, string> })[]> {
  return {
    confirm: [templates.render('confirm', { confirmUrl: `${base}/confirm/${token}`, days: 7, choices })],
    manage: [templates.render('manage', { manageUrl: `${base}/preferences/${token}`, standing: 'This address already gets the weekly digest.' })],
    'feed-confirm': [
      templates.render('feed-confirm', { feedName: 'Leaving care in Hertfordshire', partnerName: 'Herts Care Leavers Network', confirmUrl: `${base}/feeds/confirm/${token}`, days: 7, choices }),
    ],
    'feed-decision': [
      templates.render('feed-decision', { partnerName: 'Herts Care Leavers Network', feedName: 'Leaving care in Hertfordshire', approved: true, note: null, recipients: 3 }),
      templates.render('feed-decision', {
        partnerName: 'Herts Care Leavers Network',
        feedName: 'Leaving care in Hertfordshire',
        approved: false,
        note: 'Please name the councils the feed is for.',
        recipients: 3,
      }),
    ],
    'console-sign-in': [templates.render('console-sign-in', { email: 'operator@example.org', signInUrl: `${base}/admin/sign-in/${token}`, minutes: 15 })],
    // Sent with their list headers, as the alert job sends them.
    alert: alertSamples(templates),
  };
}

async function demoOutbox(dataDir: string): Promise<void> {
  const demo = spawn(process.execPath, ['bin/council-digest.js', 'demo', '--once'], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => demo.once('exit', resolve));
  if (code !== 0) throw new Error(`the demo exited with ${code}`);
}

async function score(file: string): Promise<{ points: number; rules: string[] }> {
  // -t prints the report even for mail it passes; it exits 0 either way.
  const { stdout } = await runWithInput('spamassassin', ['-L', '-t'], await readFile(file));
  const total = /^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(stdout);
  if (!total) throw new Error(`no score from spamassassin for ${file}`);
  const rules = [...stdout.matchAll(/^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s/gm)].filter(([, points]) => Number(points) !== 0).map(([, points, rule]) => `${rule} ${points}`);
  return { points: Number(total[1]), rules };
}

function runWithInput(command: string, args: string[], input: Buffer): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error('spamassassin is not installed: apt-get install spamassassin') : error));
    child.once('exit', () => resolve({ stdout }));
    child.stdin.end(input);
  });
}

const scratch = await mkdtemp(path.join(tmpdir(), 'cd-spam-check-'));
try {
  const demoDir = path.join(scratch, 'demo');
  await demoOutbox(demoDir);
  const templates = await loadTemplates();
  const others = samples(templates);
  const missing = templates.names().filter((name) => name !== 'digest' && !others[name]);
  if (missing.length) throw new Error(`no sample here for the email(s) ${missing.join(', ')}: add one to scripts/spam-check.ts`);
  const smtp = await startEmbeddedSmtp(path.join(scratch, 'others'));
  const mailer = createSmtpMailer({ url: smtp.url, from: 'Council Digest <digest@localhost>' });
  for (const [name, rendered] of Object.entries(others)) {
    for (const [index, mail] of rendered.entries()) await mailer.send({ to: `${name}-${index}@example.org`, ...mail });
  }
  await mailer.close();
  await smtp.close();
  const files = [];
  for (const outbox of [path.join(demoDir, 'outbox'), smtp.outboxDir]) {
    files.push(...(await readdir(outbox)).filter((name) => name.endsWith('.eml')).sort().map((name) => path.join(outbox, name)));
  }
  // SpamAssassin takes seconds to start: a few at a time.
  const results: { subject: string; points: number; rules: string[] }[] = [];
  const queue = [...files.entries()];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [index, eml] = next;
        const subject = /^Subject: (.*)$/m.exec(await readFile(eml, 'utf8'))?.[1] ?? '';
        results[index] = { subject, ...(await score(eml)) };
      }
    }),
  );
  for (const { subject, points, rules } of results) console.log(`${points.toFixed(1).padStart(5)}  ${subject.slice(0, 70)}${rules.length ? `  (${rules.join(', ')})` : ''}`);
  const worst = Math.max(...results.map((result) => result.points));
  const count = results.length;
  console.log(`${count} mails scored by SpamAssassin (local rules): highest ${worst.toFixed(1)}`);
  process.exitCode = count > 0 && worst <= 0 ? 0 : 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}
