// A newcomer in a real browser: signs in with the emailed link, submits a paper by URL, upvotes it,
// comments with Markdown and math, and finds it on today's list and on its author's page.
// Then keyboard navigation and the shortcuts help.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Site, startSite } from './web-support.js';

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('sign in by emailed link, submit, upvote, comment, find it on the list and the author page', async () => {
  const context = await site.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.base}/`);
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('E-mail address').fill('newcomer@example.org');
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

  const mail = site.inbox.find((m) => m.to === 'newcomer@example.org');
  assert.ok(mail, 'the sign-in mail arrived at the SMTP server');
  const link = new URL(/https?:\/\/\S+\/signin\/verify\?token=[\w-]+/.exec(mail.text)![0]);
  await page.goto(`${site.base}${link.pathname}${link.search}`);
  await page.getByRole('button', { name: 'Sign in to paperboy' }).click();
  await page.waitForURL(`${site.base}/`);
  await page.getByRole('link', { name: 'newcomer' }).waitFor();

  await page.goto(`${site.base}/submit`);
  await page.getByLabel('arXiv id or URL').fill('https://arxiv.org/abs/1605.08386');
  await page.getByRole('button', { name: 'Submit' }).click();
  const status = page.getByRole('status');
  await status.getByText('Added to the list').waitFor();
  assert.equal(new URL(page.url()).pathname, '/submit', 'submitted without leaving the page');
  await status.getByRole('link', { name: 'Open the paper' }).click();
  await page.waitForURL(`${site.base}/papers/1605.08386`);
  await page.getByRole('heading', { level: 1, name: 'Heat-bath random walks with Markov bases' }).waitFor();

  const upvote = page.locator('.actions form.upvote button');
  assert.equal(await upvote.getAttribute('aria-pressed'), 'false');
  await upvote.click();
  await page.locator('.actions form.upvote button[aria-pressed="true"]').waitFor();
  assert.equal((await upvote.locator('.count').textContent())?.trim(), '1');
  await page.reload();
  assert.equal((await page.locator('.actions form.upvote .count').textContent())?.trim(), '1', 'the upvote was stored');

  await page.getByLabel('Add to the discussion').fill('The **mixing time** bound is neat: $\\tau = O(n^2 \\log n)$.');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  const comment = page.locator('li.comment').first();
  await comment.waitFor();
  assert.equal(await comment.locator('strong', { hasText: 'mixing time' }).count(), 1);
  assert.equal(await comment.locator('.katex').count(), 1);

  await page.goto(`${site.base}/`);
  const item = page.locator('li.paper', { hasText: 'Heat-bath random walks with Markov bases' });
  await item.waitFor();
  assert.match((await item.textContent()) ?? '', /submitted by newcomer/);
  assert.match((await item.textContent()) ?? '', /1 comment/);

  await page.goto(`${site.base}/authors/Tobias%20Windisch`);
  await page.getByRole('link', { name: 'Heat-bath random walks with Markov bases' }).waitFor();
  await context.close();
});

test('keyboard: j/k move through the list, / focuses search, ? opens the shortcuts', async () => {
  const context = await site.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.base}/papers/date/2026-11-20`);
  const items = page.locator('li.paper');
  assert.ok((await items.count()) >= 3);
  await page.keyboard.press('j');
  assert.match((await items.nth(0).getAttribute('class')) ?? '', /selected/);
  await page.keyboard.press('j');
  assert.match((await items.nth(1).getAttribute('class')) ?? '', /selected/);
  assert.doesNotMatch((await items.nth(0).getAttribute('class')) ?? '', /selected/);
  const focused = await page.evaluate(() => document.activeElement?.closest('li.paper')?.getAttribute('data-paper'));
  assert.equal(focused, await items.nth(1).getAttribute('data-paper'), 'focus follows the selection');
  await page.keyboard.press('k');
  assert.match((await items.nth(0).getAttribute('class')) ?? '', /selected/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/papers\/\d{4}\.\d{5}$/);
  await page.goBack();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /upvote the selected paper/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // Tab shows a visible focus ring
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none');
  await context.close();
});
