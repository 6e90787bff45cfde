// Searching in a real browser: search-as-you-type suggestions under the box (a JS file, no inline
// script, allowed by the CSP), then the results page with highlighted matches and a filter chip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { launchBrowser } from './browser.js';
import { makeTestContext } from '../helpers.js';
import { upsertPapers } from '../../src/store/papers.js';
import { buildApp } from '../../src/web/app.js';
import { corpus } from '../search/corpus.js';

test('search as you type, then results with highlights and removable filter chips', { timeout: 120_000 }, async () => {
  const ctx = await makeTestContext();
  await upsertPapers(ctx.store.db, corpus, ctx.clock.now().toISOString());
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/search?q=deep`);
    await page.fill('#q', 'deep resid');
    const suggestion = page.locator('#search-suggestions a', { hasText: 'Deep Residual Learning for Image Recognition' });
    await suggestion.waitFor({ timeout: 15_000 });
    assert.equal(await suggestion.getAttribute('href'), '/papers/2401.00002');

    await page.fill('#q', 'neural cat:cs.CL');
    await page.press('#q', 'Enter');
    await page.waitForSelector('.search-results');
    assert.match(await page.locator('.search-count').innerText(), /1 paper/);
    assert.equal(await page.locator('.search-results mark').first().innerText(), 'Neural');
    await page.getByRole('link', { name: 'Remove filter cat:cs.CL' }).click();
    await page.waitForSelector('.search-count:has-text("3 papers")');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.close();
    await ctx.cleanup();
  }
});
