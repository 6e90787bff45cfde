// Routes of search: the results page, title suggestions for search-as-you-type, and its script.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { searchPage } from './pages/search-page.js';
import { suggestTitles } from './search.js';
import { embedderOf } from './embedder.js';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const suggestJs = readFileSync(path.join(assets, 'suggest.js'));

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // The web server loads the query model in the background; until it is ready, searches run on full text.
  if (ctx.config.PAPERBOY_EMBEDDER !== 'none') embedderOf(ctx)?.warm?.();

  app.get('/search', searchPage(ctx));
  app.get('/search/suggest', async (request, reply) => {
    const q = String((request.query as Record<string, unknown>).q ?? '').slice(0, 200);
    const titles = q.trim().length < 2 ? [] : await suggestTitles(ctx, q, 8);
    return reply.header('Cache-Control', 'public, max-age=60').send({ query: q, suggestions: titles.map((t) => ({ id: t.id, title: t.title, url: `/papers/${t.id}` })) });
  });
  app.get('/search/assets/suggest.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(suggestJs),
  );
}
