// The daily list: the papers put on the list of one day, most upvoted first.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { dailyPapers, latestDailyDay } from '../../store/papers.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

export function dailyPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { day?: string } }>, reply: FastifyReply) => {
    const asked = request.params.day;
    if (asked && !/^\d{4}-\d{2}-\d{2}$/.test(asked)) throw badRequest('Dates look like 2024-01-31.');
    const day = asked ?? (await latestDailyDay(ctx.store.db)) ?? new Date().toISOString().slice(0, 10);
    const papers = await dailyPapers(ctx.store.db, day, day);
    const body = html`<h1>Daily papers <small>${day}</small></h1>
${papers.length ? '' : html`<p>No papers on the list for this day.</p>`}
<ol class="papers">
${papers.map(
  (p) => html`<li class="paper">
  <h2><a href="/papers/${p.id}">${p.title}</a></h2>
  <p class="authors">${p.authors.slice(0, 4).join(', ')}${p.authors.length > 4 ? ' et al.' : ''}</p>
  <p class="abstract">${p.abstract.slice(0, 300)}${p.abstract.length > 300 ? '…' : ''}</p>
  <p class="meta">${p.upvotes} upvotes · ${p.numComments} comments</p>
</li>`,
)}
</ol>`;
    return reply.type('text/html; charset=utf-8').send(layout({ title: `Daily papers ${day}`, body, viewer: request.viewer, csrf: request.csrfToken }));
  };
}
