// Subscribing through the real routes: neutral answer, double opt-in over SMTP, signed links,
// preferences, members' settings, address validation and header injection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/web/app.js';
import { settleMail } from '../../src/mail/subscriptions.js';
import { runDigests } from '../../src/mail/digest-run.js';
import { normalizeAddress } from '../../src/mail/address.js';
import { linkToken, verifyLinkToken } from '../../src/mail/links.js';
import { Signer } from '../../src/signing.js';
import { getSubscriberByEmail, expirePendingSubscribers } from '../../src/store/subscribers.js';
import { ensureUser } from '../../src/store/users.js';
import { hashToken } from '../../src/signing.js';
import { addPapers, mailTest, paper } from './helpers.js';
import { formSession, localPath, postForm } from './web.js';

const firstLink = (text: string, path: string) => (text.match(/https?:\/\/[^\s<>"]+/g) ?? []).find((l) => l.includes(path))!;

test('subscribe: the same neutral page always, a confirmation mail, nothing else until confirmed', async () => {
  const t = await mailTest();
  const app = await buildApp(t.ctx);
  try {
    await addPapers(t.ctx, [paper('2611.00100')]);
    const s = await formSession(app);
    const first = await postForm(app, s, '/subscribe', { email: 'New.Reader+papers@Example.org' });
    assert.equal(first.statusCode, 200);
    await settleMail(t.ctx);
    assert.equal(t.sink.received.length, 1);
    const [confirm] = await t.sink.parsed();
    assert.equal((confirm.to as any).value[0].address, 'new.reader+papers@example.org');
    assert.match(confirm.subject!, /Confirm/);
    assert.ok(confirm.html && confirm.text);

    // Unconfirmed: no digest.
    const r = await runDigests(t.ctx, { period: 'all', force: true });
    assert.equal(r.considered, 0);
    assert.equal(t.sink.received.length, 1);

    // Asking again within the hour sends nothing more, and the page is identical.
    const second = await postForm(app, s, '/subscribe', { email: 'new.reader+papers@example.org' });
    const stranger = await postForm(app, s, '/subscribe', { email: 'someone.else@example.net' });
    const strip = (b: string) => b.replace(/value="[^"]+"/g, '');
    assert.equal(strip(second.body), strip(first.body));
    assert.equal(strip(stranger.body), strip(first.body));
    await settleMail(t.ctx);
    assert.equal(t.sink.received.length, 2, 'only the stranger got a confirmation');

    // Confirm: GET shows a button (mail scanners prefetch links), the POST confirms.
    const link = localPath(firstLink(confirm.text!, '/subscribe/confirm'));
    const page = await app.inject({ method: 'GET', url: link });
    assert.equal(page.statusCode, 200);
    const token = /name="t" value="([^"]+)"/.exec(page.body)![1];
    const done = await postForm(app, s, '/subscribe/confirm', { t: token });
    assert.equal(done.statusCode, 303);
    assert.match(done.headers.location as string, /^\/subscription\?t=/);
    assert.equal((await getSubscriberByEmail(t.ctx.store.db, 'new.reader+papers@example.org'))?.status, 'active');

    // Preferences from the signed link: weekly on Saturdays, 3 trending, a topic.
    const prefs = await app.inject({ method: 'GET', url: done.headers.location as string });
    assert.equal(prefs.statusCode, 200);
    const prefsToken = /name="t" value="([^"]+)"/.exec(prefs.body)![1];
    const saved = await postForm(app, s, '/subscription', { t: prefsToken, frequency: 'weekly', hour: '9', timezone: 'Europe/Paris', weekday: '6', top_n: '3', topics: 'graph neural networks\nattention', categories: 'cs.LG, stat.ML', authors: 'Ada Lovelace' });
    assert.equal(saved.statusCode, 303);
    const sub = await getSubscriberByEmail(t.ctx.store.db, 'new.reader+papers@example.org');
    assert.equal(sub?.frequency, 'weekly');
    assert.equal(sub?.weekday, 6);
    assert.equal(sub?.timezone, 'Europe/Paris');
    assert.deepEqual(sub?.topics, ['graph neural networks', 'attention']);
    assert.deepEqual(sub?.categories, ['cs.LG', 'stat.ML']);
    assert.equal(sub?.includeDaily, false);

    const bad = await postForm(app, s, '/subscription', { t: prefsToken, frequency: 'weekly', hour: '9', timezone: 'Mars/Olympus', weekday: '6', top_n: '3' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Unknown time zone/);
    const noCsrf = await postForm(app, null, '/subscription', { t: prefsToken, frequency: 'paused', hour: '9', timezone: 'UTC', weekday: '1', top_n: '1' });
    assert.equal(noCsrf.statusCode, 403, 'changing preferences is CSRF-checked');
    const forged = await app.inject({ method: 'GET', url: `/subscription?t=${sub!.id}.${'A'.repeat(43)}` });
    assert.equal(forged.statusCode, 404);
  } finally {
    await app.close();
    await t.done();
  }
});

test('invalid addresses get a clear error, odd but valid ones are accepted, CR/LF never reaches a header', async () => {
  for (const ok of ["o'brien+tag@example.ie", '"john doe"@example.org', 'user@bücher.de', 'x@sub.domain.example.museum', 'UPPER@EXAMPLE.COM']) {
    assert.doesNotThrow(() => normalizeAddress(ok), ok);
  }
  for (const bad of ['foo', 'a@b', 'a@@b.com', 'a b@c.com', 'a@b.com,c@d.com', '<a@b.com>', 'a@b.com\r\nBcc: victim@example.org', 'a@-b.com', '', 'a'.repeat(65) + '@b.com']) {
    assert.throws(() => normalizeAddress(bad), (e: any) => e.code === 'bad_request', JSON.stringify(bad));
  }
  const t = await mailTest();
  const app = await buildApp(t.ctx);
  try {
    const s = await formSession(app);
    const res = await postForm(app, s, '/subscribe', { email: 'a@b.com\r\nBcc: victim@example.org' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /not a valid email address/);
    await settleMail(t.ctx);
    assert.equal(t.sink.received.length, 0);

    // Hostile paper titles with CR/LF cannot add headers to a digest.
    await addPapers(t.ctx, [paper('2611.00200', { title: 'Innocent\r\nBcc: victim@example.org\r\nX-Evil: 1' })]);
    await postForm(app, s, '/subscribe', { email: 'victim-test@example.org' });
    await settleMail(t.ctx);
    const [confirm] = await t.sink.parsed();
    const token = /name="t" value="([^"]+)"/.exec((await app.inject({ method: 'GET', url: localPath(firstLink(confirm.text!, '/subscribe/confirm')) })).body)![1];
    await postForm(app, s, '/subscribe/confirm', { t: token });
    await runDigests(t.ctx, { period: 'daily', force: true });
    const mails = await t.sink.parsed();
    assert.equal(mails.length, 2);
    const digest = mails[1];
    assert.equal(digest.headers.get('bcc'), undefined);
    assert.equal(digest.headers.get('x-evil'), undefined);
    assert.ok(!/[\r\n]/.test(digest.subject!));
    assert.equal(t.sink.received[1].to, 'victim-test@example.org');
  } finally {
    await app.close();
    await t.done();
  }
});

test('signed links survive secret rotation and unconfirmed requests expire', async () => {
  const t = await mailTest();
  try {
    const s = { id: 7, email: 'r@example.org', confirmExpiresAt: null };
    const old = new Signer(['old-secret']);
    const rotated = new Signer(['new-secret', 'old-secret']);
    const tokenOld = linkToken({ ...t.ctx, signer: old }, 'mail-prefs', s);
    assert.ok(verifyLinkToken({ ...t.ctx, signer: rotated }, 'mail-prefs', tokenOld, s), 'old links still work after rotation');
    assert.ok(!verifyLinkToken({ ...t.ctx, signer: new Signer(['new-secret']) }, 'mail-prefs', tokenOld, s), 'and stop once the old secret is retired');
    assert.ok(!verifyLinkToken({ ...t.ctx, signer: old }, 'mail-unsub', tokenOld, s), 'purpose-bound');
    assert.ok(!verifyLinkToken({ ...t.ctx, signer: old }, 'mail-prefs', tokenOld, { ...s, email: 'other@example.org' }), 'bound to the address');

    const app = await buildApp(t.ctx);
    try {
      const f = await formSession(app);
      await postForm(app, f, '/subscribe', { email: 'late@example.org' });
      await settleMail(t.ctx);
      t.ctx.clock.advance(49 * 3_600_000);
      assert.equal(await expirePendingSubscribers(t.ctx.store.db, t.ctx.clock.now().toISOString()), 1);
      assert.equal(await getSubscriberByEmail(t.ctx.store.db, 'late@example.org'), undefined);
    } finally {
      await app.close();
    }
  } finally {
    await t.done();
  }
});

test('members manage the same subscription from their settings', async () => {
  const t = await mailTest();
  const app = await buildApp(t.ctx);
  try {
    const user = await ensureUser(t.ctx.store.db, 'member@example.org', 'member', t.ctx.clock.now().toISOString());
    const session = 'member-session-token-123456';
    await t.ctx.store.db
      .insertInto('sessions')
      .values({ id: hashToken(session), user_id: user.id, created_at: '2026-11-20T00:00:00Z', last_seen_at: '2026-11-20T00:00:00Z', expires_at: '2027-01-01T00:00:00Z', user_agent: null, ip: null })
      .execute();
    const anon = await app.inject({ method: 'GET', url: '/settings/subscription' });
    assert.equal(anon.statusCode, 303, 'signed-out viewers are sent to sign in');
    const page = await app.inject({ method: 'GET', url: '/settings/subscription', headers: { cookie: `pb_session=${session}` } });
    assert.equal(page.statusCode, 200);
    const nonce = page.cookies.find((c) => c.name === 'pb_nonce')!.value;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const res = await postForm(app, { cookie: `pb_session=${session}; pb_nonce=${nonce}`, csrf }, '/settings/subscription', { frequency: 'daily', hour: '6', timezone: 'UTC', weekday: '1', top_n: '5', include_daily: '1' });
    assert.equal(res.statusCode, 303);
    const sub = await getSubscriberByEmail(t.ctx.store.db, 'member@example.org');
    assert.equal(sub?.status, 'active');
    assert.equal(sub?.userId, user.id);
    assert.equal(sub?.topN, 5);
  } finally {
    await app.close();
    await t.done();
  }
});
