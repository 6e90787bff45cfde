// A newcomer in a real browser: subscribes from the daily page, opens the confirmation in the
// development mailbox (/dev/mail), confirms, tunes the digest, receives one, and unsubscribes in
// one click. The site runs as `serve` runs it: web server plus development mailbox on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { launchBrowser } from './browser.js';
import { makeTestContext } from '../helpers.js';
import { testConfig } from '../../src/config.js';
import { buildApp } from '../../src/web/app.js';
import { startMailServices } from '../../src/mail/services.js';
import { settleMail } from '../../src/mail/subscriptions.js';
import { runDigests } from '../../src/mail/digest-run.js';
import { getSubscriberByEmail } from '../../src/store/subscribers.js';
import { addPapers, paper } from '../mail/helpers.js';

test('subscribe, confirm from /dev/mail, change preferences, receive a digest, unsubscribe in one click', { timeout: 180_000 }, async () => {
  const ctx = await makeTestContext({ PAPERBOY_DEV_SMTP_PORT: '0', PAPERBOY_MAIL_RATE: '1000' });
  ctx.clock.set('2026-11-20T09:00:00Z'); // a Friday morning
  await addPapers(ctx, [paper('2611.01001', { title: 'Sparse $\\alpha$-Attention at Scale' }), paper('2611.01002', { title: 'Graph Transformers for Molecules' })]);
  const stopMail = await startMailServices(ctx);
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Links in mails must point at this server: the base URL is only known once it listens.
  (ctx as { config: typeof ctx.config }).config = testConfig({ ...pick(ctx.config), PAPERBOY_BASE_URL: base });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/`);
    await page.locator('form[action="/subscribe"] input[name=email]').first().fill('newcomer@example.org');
    await page.locator('form[action="/subscribe"] button[type=submit]').first().click();
    await page.waitForSelector('h1:has-text("Check your inbox")');
    await settleMail(ctx);

    await page.goto(`${base}/dev/mail`);
    await page.getByRole('link', { name: /Confirm your .* subscription/ }).click();
    await page.waitForSelector('iframe.mail-html');
    await page.locator('.mail-links a', { hasText: '/subscribe/confirm' }).click();
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.waitForSelector('text=Subscription confirmed');
    assert.equal((await getSubscriberByEmail(ctx.store.db, 'newcomer@example.org'))?.status, 'active');

    await page.fill('#top_n', '3');
    await page.fill('#topics', 'graph transformers');
    await page.selectOption('#hour', '8');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.waitForSelector('text=Preferences saved');
    const sub = await getSubscriberByEmail(ctx.store.db, 'newcomer@example.org');
    assert.deepEqual(sub?.topics, ['graph transformers']);
    assert.equal(sub?.hour, 8);

    const report = await runDigests(ctx, { period: 'daily' });
    assert.equal(report.delivery?.sent, 1, JSON.stringify(report));
    await page.goto(`${base}/dev/mail`);
    await page.getByRole('link', { name: /digest/ }).first().click();
    const text = await page.locator('pre.mail-text').innerText();
    assert.match(text, /Sparse α-Attention at Scale/);
    const frame = page.frameLocator('iframe.mail-html');
    await frame.locator('text=Graph Transformers for Molecules').waitFor();

    await page.locator('.mail-links a', { hasText: '/unsubscribe' }).click();
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.waitForSelector('h1:has-text("You are unsubscribed")');
    assert.equal((await getSubscriberByEmail(ctx.store.db, 'newcomer@example.org'))?.status, 'unsubscribed');
  } finally {
    await browser.close();
    await app.close();
    await stopMail();
    await ctx.cleanup();
  }
});

/** The environment form of a config, to rebuild it with one option changed. */
function pick(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (/^[A-Z_]+$/.test(k)) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}
