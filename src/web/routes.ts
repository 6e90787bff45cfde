// The route table of the HTML site. One line per route; each handler lives in pages/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../context.js';
import { dailyPage } from './pages/daily.js';
import { paperPage } from './pages/paper.js';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(fastifyStatic, { root: assets, prefix: '/assets/', maxAge: '1h', etag: true });
  app.get('/', dailyPage(ctx));
  app.get('/papers/date/:day', dailyPage(ctx));
  app.get('/papers/*', paperPage(ctx));
}
