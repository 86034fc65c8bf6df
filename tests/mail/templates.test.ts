import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, precompileTemplates, TemplateError } from '../../src/mail/templates.js';
import { createSmtpMailer } from '../../src/mail/transport.js';
import { startSmtpSink } from '../helpers/smtp.js';

// A throwaway templates folder: one email whose parts print personal values and a memoised block.
let folder: string;
const html = `<mjml><mj-body><mj-section><mj-column><mj-text>
  <p>Hello {{name}}</p><a href="{{link}}">{{link}}</a>
  <mj-raw></mj-raw>{{#each items}}{{#memo "item"}}<p>{{title}} {{count}}</p>{{/memo}}{{/each}}
</mj-text></mj-column></mj-section></mj-body></mjml>`;

async function writeEmail(name: string, parts: { html?: string; text?: string; subject?: string }) {
  await mkdir(path.join(folder, name), { recursive: true });
  await writeFile(path.join(folder, name, 'html.mjml'), parts.html ?? html);
  await writeFile(path.join(folder, name, 'text.hbs'), parts.text ?? 'Hello {{name}}\n{{#each items}}{{#memo "item-text"}}* {{title}}\n{{/memo}}{{/each}}Link: {{link}}\n');
  await writeFile(path.join(folder, name, 'subject.hbs'), parts.subject ?? 'For {{name}}: {{items.length}} items');
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'cd-templates-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('email templates', () => {
  it('refuse to load a broken template, naming its folder, at start-up rather than at the first send', async () => {
    await writeEmail('broken', { text: 'Hello {{#if name}} never closed' });
    await expect(loadTemplates(folder)).rejects.toThrow(TemplateError);
    await expect(loadTemplates(folder)).rejects.toThrow(/broken/);
    await rm(path.join(folder, 'broken'), { recursive: true });
  });

  it('fill a prepared email to exactly what a render with the same values gives, escaping HTML as the render does', async () => {
    await writeEmail('note', {});
    const templates = await loadTemplates(folder);
    const items = [{ title: 'Budget <b>&</b> "tax"', count: 3 }, { title: 'Roads', count: 1 }];
    // 'note' is not one of the project's typed emails, hence the casts.
    const prepared = templates.prepare('note' as never, (slot) => ({ name: slot('name'), link: slot('link'), items }) as never);
    for (const values of [
      { name: 'anna+x@example.org', link: 'https://digest.example.org/u/abc.def?x=1&y="2"' },
      { name: "o'brien<script>@example.org", link: 'https://digest.example.org/u/`=`' },
    ]) {
      expect(prepared.fill(values)).toEqual(templates.render('note' as never, { ...values, items } as never));
    }
  });

  it('encode a prepared email for sending, kept plain beside or not, so that a mailbox reads exactly what fill gives, as it reads the same sent unencoded', async () => {
    await writeEmail('long', {
      html: html.replace('<p>Hello', `<p>${'Cost of living — £42,000 for the “year”, '.repeat(12)}\n  .dot first  \nHello`),
      text: `${'A long line of plain text with £ and – in it, '.repeat(10)}{{name}}\n.starts with a dot\nLink: {{link}}\n`,
    });
    const templates = await loadTemplates(folder);
    const items = [{ title: 'Budget <b>&</b> "tax"', count: 3 }];
    const prepared = templates.prepare('long' as never, (slot) => ({ name: slot('name'), link: slot('link'), items }) as never);
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: sink.url, from: 'Council Digest <digest@example.org>' });
    try {
      const values = { name: "o'brien<x>@example.org", link: `https://digest.example.org/u/${'a'.repeat(90)}?x=1&y=2` };
      const filled = prepared.fill(values);
      const toSend = templates.prepareToSend('long' as never, (slot) => ({ name: slot('name'), link: slot('link'), items }) as never).send(values);
      expect(toSend).toEqual(prepared.send(values));
      await mailer.send({ to: 'one@example.org', ...prepared.send(values) });
      await mailer.send({ to: 'two@example.org', ...filled });
      await mailer.send({ to: 'three@example.org', ...toSend });
      const [encoded, plain, sent] = (await sink.waitFor(3)).map((mail) => mail.parsed);
      expect(encoded!.html).toBe(filled.html);
      expect(encoded!.text).toBe(plain!.text);
      expect(encoded!.html).toBe(plain!.html);
      expect(encoded!.subject).toBe(filled.subject);
      expect(sent!.html).toBe(filled.html);
      expect(sent!.text).toBe(plain!.text);
      expect(sink.messages[0]!.raw.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    } finally {
      await mailer.close();
      await rm(path.join(folder, 'long'), { recursive: true });
    }
  });

  it('render a memoised block once per context object, so shared cards are not rendered again', async () => {
    const templates = await loadTemplates(folder);
    const card = { title: 'Housing', count: 1 };
    const first = templates.render('note' as never, { name: 'a@example.org', link: 'https://x.example', items: [card] } as never);
    // The same object changed behind the memo's back keeps its first rendering: contexts must not change.
    card.count = 2;
    const again = templates.render('note' as never, { name: 'a@example.org', link: 'https://x.example', items: [card] } as never);
    expect(again.html).toBe(first.html);
    const fresh = templates.render('note' as never, { name: 'a@example.org', link: 'https://x.example', items: [{ ...card }] } as never);
    expect(fresh.html).toContain('Housing 2');
  });

  it("use the build's compiled MJML only while it was made from the templates as they are, and render the same from it", async () => {
    await writeEmail('note', {});
    const precompiled = path.join(folder, '..', `${path.basename(folder)}.compiled.json`);
    await precompileTemplates(folder, precompiled);
    const data = { name: 'a@example.org', link: 'https://x.example', items: [{ title: 'Roads', count: 1 }] } as never;
    const compiledHere = (await loadTemplates(folder, path.join(folder, 'none.json'))).render('note' as never, data);
    expect((await loadTemplates(folder, precompiled)).render('note' as never, data)).toEqual(compiledHere);
    // Proof that the file is what was used: HTML put in it shows up.
    const stored = JSON.parse(await readFile(precompiled, 'utf8')) as { key: string; html: Record<string, string> };
    await writeFile(precompiled, JSON.stringify({ ...stored, html: { note: '<p>from the build</p>' } }));
    expect((await loadTemplates(folder, precompiled)).render('note' as never, data).html).toBe('<p>from the build</p>');
    // A template changed since the build: MJML compiles the folder as it is now.
    await writeEmail('note', { html: html.replace('Hello', 'Hi') });
    expect((await loadTemplates(folder, precompiled)).render('note' as never, data).html).toContain('Hi a@example.org');
    await rm(precompiled);
  });
});
