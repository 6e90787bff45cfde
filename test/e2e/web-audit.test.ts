// Every page type in a real browser: axe-core finds no serious or critical violation, nothing
// scrolls sideways at phone width, dark mode follows the system; screenshots of each page type at
// desktop and phone width are saved under screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { post as formPost } from '../web/support.js';
import { type Site, sessionFor, startSite } from './web-support.js';

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'screenshots');

let site: Site;
let member: Awaited<ReturnType<typeof sessionFor>>;
let admin: Awaited<ReturnType<typeof sessionFor>>;

before(async () => {
  site = await startSite();
  member = await sessionFor(site, 'reader@example.org');
  admin = await sessionFor(site, 'admin@example.org', 'admin');
  // Some discussion and moderation history so those parts of the pages are audited too.
  const { signedIn } = await import('../web/support.js');
  const b = await signedIn(site.ctx, 'commenter@example.org');
  await formPost(site.app, '/papers/2411.01001/comments', b, { body: 'How does this compare to **linear attention**? The bound $\\epsilon \\to 0$ looks tight.' });
  await formPost(site.app, '/papers/2411.01001/comments', b, { body: 'Also see [the code](https://github.com/example/fast-attention).', parent: '1' });
  await formPost(site.app, '/papers/2411.01002/upvote', b, { want: '1' });
  const a = await signedIn(site.ctx, 'mod@example.org', 'admin');
  await formPost(site.app, '/admin/users/suspend', a, { user: 'commenter', suspended: '1', reason: 'test' });
  await formPost(site.app, '/admin/users/suspend', a, { user: 'commenter', suspended: '0' });
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await site?.close();
});

interface PageType {
  name: string;
  path: string;
  as?: 'member' | 'admin';
}

const pageTypes: PageType[] = [
  { name: 'daily', path: '/' },
  { name: 'daily-signed-in', path: '/', as: 'member' },
  { name: 'daily-empty', path: '/papers/date/2026-11-15' },
  { name: 'week', path: '/papers/week/2026-W47' },
  { name: 'month', path: '/papers/month/2026-11' },
  { name: 'paper', path: '/papers/2411.01001' },
  { name: 'paper-signed-in', path: '/papers/2411.01001', as: 'member' },
  { name: 'author', path: '/authors/Ada%20Lovelace' },
  { name: 'category', path: '/categories/cs.LG' },
  { name: 'signin', path: '/signin' },
  { name: 'submit', path: '/submit', as: 'member' },
  { name: 'settings', path: '/settings', as: 'member' },
  { name: 'admin', path: '/admin', as: 'admin' },
  { name: 'not-found', path: '/papers/2499.99999' },
];

async function open(t: PageType, options: BrowserContextOptions): Promise<Page> {
  const context = await site.browser.newContext(options);
  if (t.as) await context.addCookies([(t.as === 'admin' ? admin : member).cookie]);
  const page = await context.newPage();
  await page.goto(`${site.base}${t.path}`);
  await page.waitForLoadState('load');
  return page;
}

test('axe-core: no serious or critical violations on any page type, light and dark', async () => {
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    // Dark mode changes only colours: audited on the page types that use every part of the palette.
    for (const t of colorScheme === 'light' ? pageTypes : pageTypes.filter((p) => ['daily', 'paper-signed-in', 'admin', 'signin'].includes(p.name))) {
      const page = await open(t, { viewport: { width: 1280, height: 900 }, colorScheme });
      await page.evaluate(axe.source); // evaluated through the DevTools protocol: the page's CSP rightly blocks inline scripts
      const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>) {
        if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${t.name} (${colorScheme}): ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
      await page.context().close();
    }
  }
  assert.deepEqual(problems, []);
});

test('phone width (375 px): no page scrolls sideways; screenshots at phone and desktop width', async () => {
  const wide: string[] = [];
  for (const t of pageTypes) {
    const phone = await open(t, { viewport: { width: 375, height: 812 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    if (width > 375) wide.push(`${t.name}: ${width}px`);
    await phone.screenshot({ path: path.join(shots, `${t.name}-phone.png`), fullPage: false });
    await phone.context().close();
    const desktop = await open(t, { viewport: { width: 1280, height: 900 } });
    await desktop.screenshot({ path: path.join(shots, `${t.name}-desktop.png`), fullPage: false });
    await desktop.context().close();
  }
  assert.deepEqual(wide, []);
});

test('dark mode follows the system setting', async () => {
  const bg = async (colorScheme: 'light' | 'dark') => {
    const page = await open({ name: 'daily', path: '/' }, { colorScheme, viewport: { width: 1280, height: 900 } });
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (colorScheme === 'dark') await page.screenshot({ path: path.join(shots, 'daily-dark-desktop.png') });
    await page.context().close();
    return color.match(/\d+/g)!.slice(0, 3).map(Number);
  };
  const light = await bg('light');
  const dark = await bg('dark');
  const luminance = (c: number[]) => c[0] * 0.2126 + c[1] * 0.7152 + c[2] * 0.0722;
  assert.ok(luminance(light) > 200, `light background ${light}`);
  assert.ok(luminance(dark) < 50, `dark background ${dark}`);
  const paper = await open({ name: 'paper', path: '/papers/2411.01001' }, { colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  await paper.screenshot({ path: path.join(shots, 'paper-dark-desktop.png') });
  await paper.context().close();
});
