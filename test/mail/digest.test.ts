// Digests over a real SMTP conversation: composed, sent to a local SMTP server, parsed back with
// mailparser, and their links followed into the real routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/web/app.js';
import { runDigests } from '../../src/mail/digest-run.js';
import { getSubscriberByEmail } from '../../src/store/subscribers.js';
import { outboxRowsOf } from '../../src/store/outbox.js';
import { setPaperHidden, upsertPapers } from '../../src/store/papers.js';
import { addPapers, addSubscribers, BASE_URL, mailTest, paper } from './helpers.js';
import { localPath, postForm } from './web.js';

const header = (m: ParsedMail, name: string) => (m.headerLines.find((l) => l.key === name)?.line.slice(name.length + 1) ?? '').replace(/\r?\n\s+/g, ' ').trim();
const links = (text: string) => text.match(/https?:\/\/[^\s<>"]+/g) ?? [];

test('a digest arrives with both parts, the right headers, readable LaTeX, escaped titles and working links', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [
      paper('2611.00001', { title: 'Sparse $\\alpha$-Attention in $O(n^2)$ time' }),
      paper('2611.00002', { title: '<script>alert(1)</script><img src=x onerror=alert(2)> Hostile & Co' }),
      paper('2611.00003'),
    ]);
    await addSubscribers(t.ctx, ['reader@example.org']);
    const report = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(report.composed, 1);
    assert.equal(report.delivery?.sent, 1);
    const [mail] = await t.sink.parsed();
    assert.equal(t.sink.received.length, 1);

    assert.equal(mail.from?.value[0].name, 'Paperboy Digest');
    assert.equal(mail.from?.value[0].address, 'digest@paperboy.test');
    assert.equal((mail.to as any).value[0].address, 'reader@example.org');
    assert.match(mail.messageId ?? '', /^<digest\.\d+\.daily-2026-11-20@paperboy\.test>$/);
    assert.ok(mail.date instanceof Date && !Number.isNaN(mail.date.getTime()));
    assert.match(header(mail, 'list-id'), /<digest\.paperboy\.test>/);
    const unsub = header(mail, 'list-unsubscribe');
    assert.match(unsub, /^<http:\/\/paperboy\.test\/unsubscribe\?t=[^>]+>, <mailto:digest\+unsubscribe-[^>]+@paperboy\.test\?subject=unsubscribe>$/);
    assert.equal(header(mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');

    assert.ok(mail.text && mail.html, 'both parts');
    assert.match(mail.subject ?? '', /paperboy|Paperboy/);
    assert.ok(mail.text.includes('Sparse α-Attention in O(n²) time'), 'LaTeX readable in the text part');
    assert.ok((mail.html as string).includes('Sparse α-Attention in O(n²) time'), 'LaTeX readable in the HTML part');
    assert.ok(!(mail.html as string).includes('<script>alert(1)'), 'no markup from titles');
    assert.ok(!(mail.html as string).includes('<img src=x'), 'no markup from titles');
    assert.ok((mail.html as string).includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'title shown escaped');
    assert.ok(!/<script/i.test((mail.html as string).replace(/&lt;script/g, '')), 'no scripts at all');
    assert.ok(mail.text.includes('<script>alert(1)</script>'), 'text part keeps the literal title');
    for (const id of ['2611.00001', '2611.00002', '2611.00003']) {
      assert.ok(mail.text.includes(`${BASE_URL}/papers/${id}`));
      assert.ok((mail.html as string).includes(`${BASE_URL}/papers/${id}`));
    }

    // Every link in the mail resolves to a real page of the site.
    const app = await buildApp(t.ctx);
    try {
      for (const link of links(mail.text)) {
        const res = await app.inject({ method: 'GET', url: localPath(link) });
        assert.equal(res.statusCode, 200, `${link} -> ${res.statusCode}`);
      }
      // One-click unsubscribe (RFC 8058): a POST without cookie or CSRF token, effective at once.
      const url = /<(http[^>]+)>/.exec(unsub)![1];
      const res = await postForm(app, null, localPath(url), { 'List-Unsubscribe': 'One-Click' });
      assert.equal(res.statusCode, 200);
      assert.equal((await getSubscriberByEmail(t.ctx.store.db, 'reader@example.org'))?.status, 'unsubscribed');
      // A tampered token changes nothing.
      const forged = await postForm(app, null, localPath(url).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), {});
      assert.equal(forged.statusCode, 404);
    } finally {
      await app.close();
    }
    t.ctx.clock.advance(86_400_000);
    const after = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(after.considered, 0, 'unsubscribed addresses are not considered');
    assert.equal(t.sink.received.length, 1);
  } finally {
    await t.done();
  }
});

test('one digest per period, papers never repeated, empty digests not sent', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00010'), paper('2611.00011')]);
    await addSubscribers(t.ctx, ['a@example.org', 'b@example.org']);
    await runDigests(t.ctx, { period: 'daily', force: true });
    const again = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(again.existing, 2, 'the same period is not composed twice');
    assert.equal(t.sink.received.length, 2);

    // Next day: one new paper; only it is sent.
    t.ctx.clock.advance(86_400_000);
    await addPapers(t.ctx, [paper('2611.00012', { title: 'A brand new result' })], '2026-11-21');
    await runDigests(t.ctx, { period: 'daily', force: true });
    const mails = await t.sink.parsed();
    assert.equal(mails.length, 4);
    for (const m of mails.slice(2)) {
      assert.ok(m.text!.includes('A brand new result'));
      assert.ok(!m.text!.includes('2611.00010') && !m.text!.includes('2611.00011'), 'earlier papers are not repeated');
    }
    // Day three: nothing new, nothing sent, and the empty digest is recorded as skipped.
    t.ctx.clock.advance(86_400_000);
    const empty = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(empty.empty, 2);
    assert.equal(t.sink.received.length, 4);
    const a = await getSubscriberByEmail(t.ctx.store.db, 'a@example.org');
    const rows = await outboxRowsOf(t.ctx.store.db, a!.id);
    assert.deepEqual(rows.map((r) => r.status), ['sent', 'sent', 'skipped']);
  } finally {
    await t.done();
  }
});

test('each paper appears once per digest even when several sections match it', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00020', { title: 'Attention for everyone', publishedAt: '2026-11-19T00:00:00Z' })]);
    await addSubscribers(t.ctx, ['c@example.org'], { topics: ['Attention'], categories: ['cs.CL'], authors: ['Ada Lovelace'] });
    await runDigests(t.ctx, { period: 'daily', force: true });
    const [m] = await t.sink.parsed();
    assert.equal(m.text!.split('Attention for everyone').length - 1, 1);
  } finally {
    await t.done();
  }
});

test('category and author sections hold their newest visible papers of the last days, newest first', async () => {
  const t = await mailTest();
  try {
    const notListed = (id: string, over: Parameters<typeof paper>[1]) => paper(id, { categories: ['math.CO'], authors: ['Sofia Kovalevskaya'], ...over });
    await upsertPapers(
      t.ctx.store.db,
      [
        notListed('2611.00050', { publishedAt: '2026-11-19T18:00:00Z' }),
        notListed('2611.00051', { publishedAt: '2026-11-18T09:00:00Z' }),
        notListed('2611.00052', { publishedAt: '2026-10-01T09:00:00Z' }), // before the window
        notListed('2611.00053', { publishedAt: '2026-11-19T20:00:00Z' }), // hidden below
        notListed('2611.00054', { categories: ['cs.CL'], authors: ['Emmy Noether'], publishedAt: '2026-11-19T12:00:00Z' }),
        notListed('2611.00055', { categories: ['cs.CL'], authors: ['Emmy Noether'], publishedAt: '2025-01-01T12:00:00Z' }),
      ],
      t.ctx.clock.now().toISOString(),
    );
    await setPaperHidden(t.ctx.store.db, '2611.00053', true, t.ctx.clock.now().toISOString());
    await addSubscribers(t.ctx, ['sections@example.org'], { topN: 0, includeDaily: false, categories: ['math.CO'], authors: ['Emmy Noether'] });
    await runDigests(t.ctx, { period: 'daily', force: true });
    const [m] = await t.sink.parsed();
    // The text part's section headings and paper links, in order.
    const outline = m.text!.split('\n').flatMap((line) => (/^New (in|from) /.test(line) ? [line] : (line.match(/\/papers\/(\S+)$/)?.slice(1) ?? [])));
    assert.deepEqual(outline, ['New in math.CO', '2611.00050', '2611.00051', 'New from Emmy Noether', '2611.00054']);
  } finally {
    await t.done();
  }
});

test('daily digests follow the subscriber’s hour, time zone and announcement days; weekly ones the weekday', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00030')]);
    await addSubscribers(t.ctx, ['tokyo@example.org'], { timezone: 'Asia/Tokyo', hour: 8 });
    await addSubscribers(t.ctx, ['ny@example.org'], { timezone: 'America/New_York', hour: 8 });
    await addSubscribers(t.ctx, ['weekly@example.org'], { frequency: 'weekly', weekday: 6, hour: 0 });
    t.ctx.clock.set('2026-11-20T12:00:00Z'); // Friday 21:00 in Tokyo, Friday 07:00 in New York
    const r1 = await runDigests(t.ctx, { period: 'all' });
    assert.deepEqual(t.sink.received.map((m) => m.to), ['tokyo@example.org']);
    assert.equal(r1.notDue, 2);
    t.ctx.clock.set('2026-11-21T13:30:00Z'); // Saturday: no daily digest anywhere, the weekly one goes out
    await runDigests(t.ctx, { period: 'all' });
    assert.deepEqual(t.sink.received.map((m) => m.to).sort(), ['tokyo@example.org', 'weekly@example.org']);
  } finally {
    await t.done();
  }
});

test('--dry-run renders files and sends nothing', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00040')]);
    await addSubscribers(t.ctx, ['dry@example.org']);
    const out = `${t.ctx.dir}/dry`;
    const r = await runDigests(t.ctx, { period: 'daily', force: true, dryRun: true, outDir: out });
    assert.equal(r.files, 1);
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(out).sort();
    assert.equal(files.length, 3);
    assert.match(readFileSync(`${out}/${files[0]}`, 'utf8'), /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    assert.equal(t.sink.received.length, 0);
    const again = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(again.delivery?.sent, 1, 'a dry run reserves nothing');
  } finally {
    await t.done();
  }
});
