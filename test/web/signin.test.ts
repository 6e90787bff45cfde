// Sign-in by emailed link, end to end through a real local SMTP server: one-time, short-lived,
// bound to the browser that asked; neutral answers; no open redirect; sessions listed and revocable.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { anonymous, type Browser, get, post } from './support.js';

let ctx: TestContext;
let app: FastifyInstance;
let smtp: SMTPServer;
const inbox: Array<{ to: string; subject: string; text: string }> = [];

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '', subject: m.subject ?? '', text: m.text ?? '' });
        done();
      }, done);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  ctx = await makeTestContext({ PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${port}`, PAPERBOY_ADMIN_EMAILS: 'boss@example.org' });
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});
beforeEach(() => {
  inbox.length = 0;
});

/** Asks for a link in browser `b` and returns the token from the mail that arrived. */
async function askLink(b: Browser, email: string, next = '/'): Promise<string> {
  const r = await post(app, '/signin', b, { email, next });
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /Check your inbox/);
  const mail = inbox.find((m) => m.to === email);
  assert.ok(mail, `a mail reached ${email}`);
  const m = /http:\/\/127\.0\.0\.1:3000\/signin\/verify\?token=([\w-]+)/.exec(mail.text);
  assert.ok(m, 'the mail carries the sign-in link');
  return m[1];
}

function sessionCookie(setCookie: string | string[] | undefined): string {
  const all = ([] as string[]).concat(setCookie ?? []);
  const c = all.find((s) => s.startsWith('pb_session='));
  assert.ok(c, 'a session cookie is set');
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Lax/);
  return c.split(';')[0];
}

describe('sign-in by emailed link', () => {
  test('the link signs in the browser that asked, once, and lands on the requested page', async () => {
    const b = anonymous(ctx);
    const token = await askLink(b, 'newcomer@example.org', '/papers/date/2026-11-20');
    const confirm = await get(app, `/signin/verify?token=${token}`, b);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Sign in to paperboy/);
    const r = await post(app, '/signin/verify', b, { token });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/papers/date/2026-11-20');
    const signed = { ...b, cookie: `${b.cookie}; ${sessionCookie(r.headers['set-cookie'])}` };
    const settings = await get(app, '/settings', signed);
    assert.equal(settings.statusCode, 200);
    assert.match(settings.body, /newcomer@example\.org/);
    assert.match(settings.body, /role: member/);
    const again = await post(app, '/signin/verify', b, { token });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /already been used/);
  });

  test('a link opened in another browser does not sign in (and stays usable where it was asked)', async () => {
    const asker = anonymous(ctx);
    const thief = anonymous(ctx);
    const token = await askLink(asker, 'bound@example.org');
    const stolen = await post(app, '/signin/verify', thief, { token });
    assert.equal(stolen.statusCode, 400);
    assert.match(stolen.body, /same browser/);
    assert.equal((await post(app, '/signin/verify', asker, { token })).statusCode, 303);
  });

  test('links expire after 15 minutes', async () => {
    const b = anonymous(ctx);
    const token = await askLink(b, 'slow@example.org');
    ctx.clock.advance(16 * 60_000);
    const r = await post(app, '/signin/verify', b, { token });
    assert.equal(r.statusCode, 400);
    assert.match(r.body, /expired/);
  });

  test('the answer is the same whether or not the address has an account', async () => {
    const b = anonymous(ctx);
    const t = await askLink(b, 'known@example.org');
    await post(app, '/signin/verify', b, { token: t });
    const known = await post(app, '/signin', anonymous(ctx), { email: 'known@example.org' });
    const unknown = await post(app, '/signin', anonymous(ctx), { email: 'nobody@example.org' });
    assert.equal(known.statusCode, unknown.statusCode);
    assert.equal(known.body.replace(/known@example\.org/g, 'X').replace(/value="[\w-]+"|content="[\w-]+"/g, ''), unknown.body.replace(/nobody@example\.org/g, 'X').replace(/value="[\w-]+"|content="[\w-]+"/g, ''));
  });

  test('next may only be a local path: other sites are replaced by /', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const b = anonymous(ctx);
      inbox.length = 0;
      const token = await askLink(b, `redirect${inbox.length}${next.length}@example.org`, next);
      const r = await post(app, '/signin/verify', b, { token });
      assert.equal(r.headers.location, '/', next);
    }
  });

  test('addresses in PAPERBOY_ADMIN_EMAILS become admin on first sign-in', async () => {
    const b = anonymous(ctx);
    const token = await askLink(b, 'Boss@Example.org'.toLowerCase());
    const r = await post(app, '/signin/verify', b, { token });
    const signed = { ...b, cookie: `${b.cookie}; ${sessionCookie(r.headers['set-cookie'])}` };
    assert.equal((await get(app, '/admin', signed)).statusCode, 200);
  });

  test('sign-out ends the session; sessions are listed and revocable in settings', async () => {
    const laptop = anonymous(ctx);
    const phone = anonymous(ctx);
    const t1 = await askLink(laptop, 'twodevices@example.org');
    const c1 = sessionCookie((await post(app, '/signin/verify', laptop, { token: t1 })).headers['set-cookie']);
    inbox.length = 0;
    const t2 = await askLink(phone, 'twodevices@example.org');
    const c2 = sessionCookie((await post(app, '/signin/verify', phone, { token: t2 })).headers['set-cookie']);
    const laptopIn = { ...laptop, cookie: `${laptop.cookie}; ${c1}` };
    const phoneIn = { ...phone, cookie: `${phone.cookie}; ${c2}` };
    const settings = await get(app, '/settings', laptopIn);
    const ids = [...settings.body.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    const other = ids.find((id) => !new RegExp(`value="${id}"><button type="submit">Sign out</button>`).test(settings.body))!;
    assert.equal((await post(app, '/settings/sessions/revoke', laptopIn, { session: other })).statusCode, 303);
    assert.equal((await get(app, '/settings', phoneIn)).statusCode, 303); // the phone is signed out: sent to /signin
    assert.equal((await get(app, '/settings', laptopIn)).statusCode, 200);
    assert.equal((await post(app, '/signout', laptopIn, {})).statusCode, 303);
    const after = await get(app, '/settings', laptopIn);
    assert.equal(after.statusCode, 303);
    assert.match(after.headers.location as string, /^\/signin\?next=%2Fsettings/);
  });

  test('bad addresses get a clear 400; a flood of requests from one IP gets 429', async () => {
    const bad = await post(app, '/signin', anonymous(ctx), { email: 'not an address' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /does not look like an e-mail address/);
    let last;
    for (let i = 0; i < 25; i++) last = await post(app, '/signin', anonymous(ctx), { email: `flood${i}@example.org` }, { 'x-forwarded-for': '10.9.9.9' });
    assert.equal(last!.statusCode, 429);
    assert.match(last!.body, /too often/);
  });
});
