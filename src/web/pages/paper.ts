// The paper page: title, authors, abstract and links of one paper.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { getPaper } from '../../store/papers.js';
import { html, safeUrl } from '../views/html.js';
import { layout } from '../views/layout.js';

export function paperPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const id = request.params['*'].replace(/v\d+$/, '');
    const paper = await getPaper(ctx.store.db, id);
    if (!paper || paper.hidden) throw notFound(`No paper ${id} here.`);
    const body = html`<article class="paper-page">
  <h1>${paper.title}</h1>
  <p class="authors">${paper.authors.join(', ')}</p>
  <p class="abstract">${paper.abstract}</p>
  <p class="links"><a href="${safeUrl(paper.links.abs)}">arXiv</a> <a href="${safeUrl(paper.links.pdf)}">PDF</a></p>
</article>`;
    return reply.type('text/html; charset=utf-8').send(layout({ title: paper.title, description: paper.abstract.slice(0, 200), body, viewer: request.viewer, csrf: request.csrfToken }));
  };
}
