// The route table of the HTML site. One line per route; each handler lives in pages/.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../context.js';
import { dailyPage, datePick } from './pages/daily.js';
import { paperPage } from './pages/paper.js';
import { authorPage, categoryPage } from './pages/lists.js';
import { revokeSession, settingsName, settingsPage, signInConfirm, signInForm, signInRequest, signInVerify, signOutAction } from './pages/account.js';
import { submitAction, submitForm } from './pages/submit.js';
import { commentPost, paperPost } from './pages/actions.js';
import { adminAction, adminPage } from './pages/admin.js';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
// KaTeX's stylesheet and fonts, served from the installed package: self-hosted, nothing from a CDN.
const katexDist = path.join(path.dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(fastifyStatic, { root: assets, prefix: '/assets/', maxAge: '1h', etag: true, index: false });
  await app.register(fastifyStatic, { root: katexDist, prefix: '/assets/katex/', maxAge: '7d', etag: true, decorateReply: false, index: false, allowedPath: (p) => /^\/(katex\.min\.css|fonts\/[\w-]+\.(woff2|woff|ttf))$/.test(p) });

  app.get('/', dailyPage(ctx, 'day'));
  app.get('/papers/date', datePick());
  app.get('/papers/date/:day', dailyPage(ctx, 'day'));
  app.get('/papers/week/:week', dailyPage(ctx, 'week'));
  app.get('/papers/month/:month', dailyPage(ctx, 'month'));
  app.get('/papers/*', paperPage(ctx));
  app.post('/papers/*', paperPost(ctx));
  app.post('/comments/:id/:action', commentPost(ctx));
  app.get('/authors/:name', authorPage(ctx));
  app.get('/categories/:category', categoryPage(ctx));

  app.get('/signin', signInForm(ctx));
  app.post('/signin', signInRequest(ctx));
  app.get('/signin/verify', signInConfirm(ctx));
  app.post('/signin/verify', signInVerify(ctx));
  app.post('/signout', signOutAction(ctx));
  app.get('/settings', settingsPage(ctx));
  app.post('/settings/name', settingsName(ctx));
  app.post('/settings/sessions/revoke', revokeSession(ctx));

  app.get('/submit', submitForm(ctx));
  app.post('/submit', submitAction(ctx));

  app.get('/admin', adminPage(ctx));
  app.post('/admin/*', adminAction(ctx));
}
