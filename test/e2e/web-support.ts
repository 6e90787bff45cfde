// A running paperboy for browser tests: real HTTP server on 127.0.0.1 (port 0), real SQLite, a real
// local SMTP server catching mail, the recorded-arXiv replay, and Debian's chromium via playwright-core.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { hashToken, randomToken } from '../../src/signing.js';
import { createSession } from '../../src/store/sessions.js';
import { ensureUser, type User } from '../../src/store/users.js';
import { paper, seed } from '../web/support.js';
import { type AtomReplay, startAtomReplay } from '../web/replay.js';

export interface Site {
  ctx: TestContext;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  inbox: Array<{ to: string; text: string }>;
  arxiv: AtomReplay;
  close(): Promise<void>;
}

export async function startSite(): Promise<Site> {
  const inbox: Site['inbox'] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, done) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '', text: m.text ?? '' });
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const arxiv = await startAtomReplay();
  const ctx = await makeTestContext({
    PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    PAPERBOY_ARXIV_API_URL: arxiv.url,
    PAPERBOY_ARXIV_DELAY_MS: '0',
    PAPERBOY_RATE_LIMIT_PER_MIN: '100000',
  });
  await seed(ctx, [
    paper('2411.01001', {
      title: 'Scaling laws for $\\mathcal{O}(n \\log n)$ attention',
      abstract: 'We show that attention over $n$ tokens can be computed in $\\mathcal{O}(n \\log n)$ time with error $\\epsilon$, and that $$\\sum_{i=1}^n a_i \\le C$$ holds for all inputs. Experiments on language modelling confirm the bound.',
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'],
      links: { abs: 'https://arxiv.org/abs/2411.01001', pdf: 'https://arxiv.org/pdf/2411.01001', code: ['https://github.com/example/fast-attention'] },
      doi: '10.1000/xyz123',
      license: 'http://creativecommons.org/licenses/by/4.0/',
    }),
    paper('2411.01002', { title: 'A survey of sparse mixtures of experts', categories: ['cs.CL', 'cs.LG'] }),
    paper('2411.01003', { title: 'Diffusion models are secretly $k$-means', authors: ['Léon Bottou'] }),
  ]);
  await seed(ctx, [paper('2411.00901', { title: 'Yesterday\'s paper on graph neural networks' })], '2026-11-19');
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  return {
    ctx,
    app,
    base,
    browser,
    inbox,
    arxiv,
    close: async () => {
      await browser.close();
      await app.close();
      await ctx.cleanup();
      await arxiv.close();
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

/** A session cookie for a new account, to put into a browser context. */
export async function sessionFor(site: Site, email: string, role: User['role'] = 'member') {
  const now = site.ctx.clock.now();
  const user = await ensureUser(site.ctx.store.db, email, role, now.toISOString());
  const token = randomToken(32);
  await createSession(site.ctx.store.db, { hash: hashToken(token), userId: user.id, now: now.toISOString(), expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), userAgent: 'e2e', ip: '127.0.0.1' });
  return { user, cookie: { name: 'pb_session', value: token, url: site.base, httpOnly: true, sameSite: 'Lax' as const } };
}
