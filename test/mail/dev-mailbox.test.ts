// The development mailbox: with no SMTP configured, mail lands in a local SMTP server and is shown at
// /dev/mail (on this machine only), the HTML part in a sandboxed document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { startMailServices } from '../../src/mail/services.js';
import { settleMail } from '../../src/mail/subscriptions.js';
import { formSession, postForm } from './web.js';

test('mail sent without SMTP configured is kept and shown at /dev/mail, safely', async () => {
  const ctx = await makeTestContext({ PAPERBOY_DEV_SMTP_PORT: '0', PAPERBOY_BASE_URL: 'http://paperboy.test' });
  const stop = await startMailServices(ctx);
  const app = await buildApp(ctx);
  try {
    const s = await formSession(app);
    await postForm(app, s, '/subscribe', { email: 'dev@example.org' });
    await settleMail(ctx);
    const list = await app.inject({ method: 'GET', url: '/dev/mail' });
    assert.equal(list.statusCode, 200);
    const name = /href="\/dev\/mail\/([^"]+)"/.exec(list.body)?.[1];
    assert.ok(name, 'the confirmation is listed');
    const one = await app.inject({ method: 'GET', url: `/dev/mail/${name}` });
    assert.equal(one.statusCode, 200);
    assert.match(one.body, /href="http:\/\/paperboy\.test\/subscribe\/confirm\?t=/);
    assert.match(one.body, /<iframe[^>]+sandbox/);
    const htmlPart = await app.inject({ method: 'GET', url: `/dev/mail/${name}/html` });
    assert.equal(htmlPart.statusCode, 200);
    assert.match(String(htmlPart.headers['content-security-policy']), /default-src 'none'.*sandbox/);
    assert.doesNotMatch(String(htmlPart.headers['content-security-policy']), /script-src/);

    for (const url of ['/dev/mail', '/dev/mail?page=1', `/dev/mail/${name}`, `/dev/mail/${name}/html`]) {
      assert.equal((await app.inject({ method: 'GET', url, remoteAddress: '203.0.113.5' })).statusCode, 404, `${url}: only from this machine`);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/dev/mail/..%2F..%2Fsecret' })).statusCode, 404);
  } finally {
    await app.close();
    await stop();
    await ctx.cleanup();
  }
});

test('with SMTP configured there is no /dev/mail', async () => {
  const ctx = await makeTestContext({ PAPERBOY_SMTP_URL: 'smtp://127.0.0.1:1' });
  const app = await buildApp(ctx);
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/dev/mail' })).statusCode, 404);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
