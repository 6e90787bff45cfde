// Routes of the trending page and the published formula. One line per route; handlers in pages/.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { flushViews } from '../signals/views.js';
import { aboutTrendingPage } from './pages/about-page.js';
import { trendingPage } from './pages/trending-page.js';

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/trending', trendingPage(ctx));
  app.get('/about/trending', aboutTrendingPage(ctx));
  // Page views are batched in memory; write the last few seconds' before the store closes.
  app.addHook('onClose', async () => {
    await flushViews(ctx).catch((err) => ctx.log.warn({ err }, 'flushing page views at shutdown failed'));
  });
}
