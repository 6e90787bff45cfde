// The paper page: title and abstract with math, all authors, dates and versions, categories, license,
// links, upvote, BibTeX, discussion, similar papers and why it is trending.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { type Comment, listComments } from '../../community/comments.js';
import { isCurator } from '../../community/moderation.js';
import { upvotedBy } from '../../community/upvotes.js';
import { parseArxivId } from '../../ingest/arxiv-id.js';
import { momentumChart } from '../../rank/chart.js';
import { explainTrending } from '../../rank/explain.js';
import { similarPapers } from '../../search/similar.js';
import { recordView } from '../../signals/views.js';
import { featureOf, submitterNames } from '../../store/daily.js';
import { getPaper, type Paper } from '../../store/papers.js';
import type { User } from '../../store/users.js';
import { servePage } from '../cache.js';
import { longDay } from '../dates.js';
import { html, raw, safeUrl, type SafeHtml } from '../views/html.js';
import { layout } from '../views/layout.js';
import { mathText, plainText } from '../views/math.js';
import { categoryChips, upvoteButton } from '../views/paper-item.js';

/** The canonical paper id of a /papers/… path: with or without version, old or new style. */
export function paperIdOf(path: string): string {
  const decoded = decodeURIComponentSafe(path);
  return parseArxivId(decoded)?.id ?? decoded.replace(/v\d+$/, '');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function bibtex(p: Paper): string {
  const year = p.publishedAt.slice(0, 4);
  const first = (p.authors[0] ?? 'anon').split(/\s+/).pop()!.toLowerCase().replace(/[^a-z]/g, '') || 'anon';
  const word = (plainText(p.title).toLowerCase().match(/[a-z]{4,}/) ?? ['paper'])[0];
  const clean = (s: string) => s.replace(/[{}\\]/g, '').replace(/\s+/g, ' ').trim();
  const arxiv = p.source === 'arxiv' || /^\d{4}\.\d{4,5}$|\//.test(p.id);
  return [
    `@misc{${first}${year}${word},`,
    `  title = {${clean(p.title)}},`,
    `  author = {${p.authors.map(clean).join(' and ')}},`,
    `  year = {${year}},`,
    ...(arxiv ? [`  eprint = {${p.id}},`, `  archivePrefix = {arXiv},`] : []),
    ...(p.primaryCategory ? [`  primaryClass = {${p.primaryCategory}},`] : []),
    ...(p.doi ? [`  doi = {${clean(p.doi)}},`] : []),
    `  url = {${arxiv ? `https://arxiv.org/abs/${p.id}` : (p.links.abs ?? '')}},`,
    '}',
  ].join('\n');
}

const licenseName = (url: string) =>
  /creativecommons\.org\/licenses\/([a-z-]+)\/([\d.]+)/i.exec(url)?.slice(1, 3).join(' ').toUpperCase().replace(/^/, 'CC ') ??
  (/publicdomain\/zero/.test(url) ? 'CC0' : /arxiv\.org\/licenses\/nonexclusive/.test(url) ? 'arXiv non-exclusive license' : url);

function commentView(c: Comment, viewer: User | null, csrf: string, paperId: string): SafeHtml {
  const mine = viewer?.username === c.author.username;
  const edited = c.updatedAt !== c.createdAt;
  return html`<li class="comment${c.parentId ? ' reply' : ''}" id="c${c.id}">
  <p class="who"><strong>${c.author.displayName}</strong> <a class="when" href="#c${c.id}"><time datetime="${c.createdAt}">${c.createdAt.slice(0, 16).replace('T', ' ')}</time></a>${edited ? ' · edited' : ''}</p>
  <div class="md">${raw(c.bodyHtml)}</div>
  ${
    viewer
      ? html`<div class="comment-actions">
    ${c.parentId === null ? html`<details><summary>Reply</summary>${commentForm(csrf, paperId, c.id, `reply-${c.id}`)}</details>` : ''}
    ${
      mine
        ? html`<details><summary>Edit</summary><form method="post" action="/comments/${c.id}/edit" class="comment-form">
      <input type="hidden" name="_csrf" value="${csrf}"><label class="visually-hidden" for="edit-${c.id}">Edit comment</label>
      <textarea id="edit-${c.id}" name="body" rows="4" maxlength="10000" required>${c.body}</textarea><button type="submit">Save</button></form></details>
    <form method="post" action="/comments/${c.id}/delete" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button class="link" type="submit">Delete</button></form>`
        : ''
    }
    ${isCurator(viewer) ? html`<form method="post" action="/comments/${c.id}/hide" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="hidden" value="1"><button class="link" type="submit">Hide</button></form>` : ''}
  </div>`
      : ''
  }
</li>`;
}

function commentForm(csrf: string, paperId: string, parentId: number | null, id: string): SafeHtml {
  return html`<form method="post" action="/papers/${paperId}/comments" class="comment-form">
  <input type="hidden" name="_csrf" value="${csrf}">
  ${parentId ? html`<input type="hidden" name="parent" value="${parentId}">` : ''}
  <label for="${id}">${parentId ? 'Your reply' : 'Add to the discussion'}</label>
  <textarea id="${id}" name="body" rows="${parentId ? 3 : 5}" maxlength="10000" required placeholder="Markdown and $math$ welcome"></textarea>
  <button type="submit">${parentId ? 'Reply' : 'Comment'}</button>
</form>`;
}

export function paperPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const id = paperIdOf(request.params['*']);
    // Counted on every view of an existing paper, cached or not, on either path (unknown ids throw in
    // the render); a failure to count never fails the page.
    const countView = (r: { headers: IncomingHttpHeaders }) => {
      recordView(ctx, id, r.headers['user-agent']).catch((err) => ctx.log.warn({ err }, 'recordView failed'));
    };
    const sent = await servePage(ctx, request, reply, `paper:${id}`, async (csrf) => {
      const db = ctx.store.db;
      const paper = await getPaper(db, id);
      if (!paper || paper.hidden) throw notFound(`No paper ${id} here. Paste its arXiv link on the submit page to add it.`);
      const [comments, similar, trending, chart, voted, feature] = await Promise.all([
        listComments(ctx, paper.id),
        similarPapers(ctx, paper.id, 5).catch(() => [] as Paper[]),
        explainTrending(ctx, paper.id).catch(() => null),
        momentumChart(ctx, paper.id).catch(() => html``),
        upvotedBy(ctx, request.viewer, [paper.id]),
        featureOf(db, paper.id),
      ]);
      const submitter = feature?.submitted_by ? (await submitterNames(db, [Number(feature.submitted_by)])).get(Number(feature.submitted_by)) : undefined;
      const viewer = request.viewer;
      const arxivLinks = paper.source !== 'demo' || paper.links.abs;
      const links: Array<[string, string]> = [
        ...(paper.links.abs ? [['arXiv abstract', paper.links.abs] as [string, string]] : arxivLinks && /^\d{4}\.|\//.test(paper.id) ? [['arXiv abstract', `https://arxiv.org/abs/${paper.id}`] as [string, string]] : []),
        ...(paper.links.pdf ? [['PDF', paper.links.pdf] as [string, string]] : []),
        ...(paper.doi ? [[`DOI ${paper.doi}`, `https://doi.org/${paper.doi}`] as [string, string]] : []),
        ...(paper.links.code ?? []).map((u) => [`Code: ${u.replace(/^https?:\/\/(www\.)?/, '')}`, u] as [string, string]),
        ...(paper.links.project ? [['Project page', paper.links.project] as [string, string]] : []),
      ];
      const body = html`<article class="paper-page" data-paper="${paper.id}">
<header>
  <p class="crumbs"><a href="/categories/${encodeURIComponent(paper.primaryCategory ?? '')}">${paper.primaryCategory ?? ''}</a> · arXiv:${paper.id}v${paper.version}</p>
  <h1>${mathText(paper.title)}</h1>
  <p class="authors all">${paper.authors.map((a, i) => html`${i ? ', ' : ''}<a href="/authors/${encodeURIComponent(a)}">${a}</a>`)}</p>
  <div class="actions">
    ${
      viewer
        ? upvoteButton(paper, csrf, voted.has(paper.id))
        : html`<a class="button" href="/signin?next=${encodeURIComponent(`/papers/${paper.id}`)}"><span aria-hidden="true">▲</span> ${paper.upvotes} · Sign in to upvote</a>`
    }
    ${links.map(([label, url]) => html`<a class="button" href="${safeUrl(url)}" rel="noopener">${label}</a>`)}
  </div>
</header>
<section class="abstract" aria-labelledby="abstract-h">
  <h2 id="abstract-h">Abstract</h2>
  <p>${mathText(paper.abstract)}</p>
</section>
<dl class="facts">
  <dt>Published</dt><dd><time datetime="${paper.publishedAt}">${longDay(paper.publishedAt.slice(0, 10))}</time></dd>
  ${paper.version > 1 ? html`<dt>Latest version</dt><dd>v${paper.version}, <time datetime="${paper.updatedAt}">${longDay(paper.updatedAt.slice(0, 10))}</time></dd>` : ''}
  ${feature ? html`<dt>On the daily list</dt><dd><a href="/papers/date/${feature.day}">${longDay(feature.day)}</a>${submitter ? html`, submitted by ${submitter.displayName}` : ''}</dd>` : ''}
  <dt>Categories</dt><dd>${categoryChips(paper.categories)}</dd>
  ${paper.license ? html`<dt>License</dt><dd><a href="${safeUrl(paper.license)}" rel="license noopener">${licenseName(paper.license)}</a></dd>` : ''}
  ${paper.journalRef ? html`<dt>Journal</dt><dd>${paper.journalRef}</dd>` : ''}
  ${paper.comments ? html`<dt>Comments</dt><dd>${paper.comments}</dd>` : ''}
  ${paper.githubStars !== null ? html`<dt>GitHub stars</dt><dd>★ ${paper.githubStars}</dd>` : ''}
</dl>
<details class="cite">
  <summary>Cite</summary>
  <pre id="bibtex" tabindex="0">${bibtex(paper)}</pre>
  <button type="button" data-copy="bibtex" hidden>Copy BibTeX</button>
</details>
${
  trending
    ? html`<section class="trending" aria-labelledby="trend-h"><h2 id="trend-h">Why it is trending</h2>
  <p>Score ${trending.score.toFixed(2)} (<a href="/about/trending">formula</a>)</p>
  <ul>${trending.terms.map((t) => html`<li>${t.description} → +${t.contribution.toFixed(2)}</li>`)}</ul>
  ${chart}</section>`
    : chart.value
      ? html`<section class="trending">${chart}</section>`
      : ''
}
<section class="discussion" id="discussion" aria-labelledby="discussion-h">
  <h2 id="discussion-h">Discussion <span class="count">${comments.length}</span></h2>
  ${comments.length ? html`<ol class="comments">${comments.map((c) => commentView(c, viewer, csrf, paper.id))}</ol>` : html`<p class="muted">No comments yet.</p>`}
  ${viewer ? commentForm(csrf, paper.id, null, 'comment-body') : html`<p><a href="/signin?next=${encodeURIComponent(`/papers/${paper.id}#discussion`)}">Sign in</a> to join the discussion.</p>`}
</section>
${
  similar.length
    ? html`<section class="similar" aria-labelledby="similar-h"><h2 id="similar-h">Similar papers</h2><ul>${similar.map(
        (s) => html`<li><a href="/papers/${s.id}">${mathText(s.title)}</a> <span class="muted">${s.authors[0] ?? ''}${s.authors.length > 1 ? ' et al.' : ''}</span></li>`,
      )}</ul></section>`
    : ''
}
${
  isCurator(viewer)
    ? html`<section class="moderation" aria-labelledby="mod-h"><h2 id="mod-h">Moderation</h2>
  <form method="post" action="/admin/papers/hide" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${paper.id}"><input type="hidden" name="hidden" value="1"><button type="submit">Hide this paper</button></form>
  ${feature ? html`<form method="post" action="/admin/daily/remove" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${paper.id}"><button type="submit">Remove from the daily list</button></form>` : ''}
  <form method="post" action="/admin/daily/feature" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${paper.id}"><label for="feature-day">Put on the list of</label> <input id="feature-day" type="date" name="day" required value="${ctx.clock.now().toISOString().slice(0, 10)}"><button type="submit">Put on list</button></form>
</section>`
    : ''
}
</article>`;
      const description = plainText(paper.abstract).slice(0, 200);
      return {
        body: layout({
          title: plainText(paper.title),
          description,
          body,
          viewer,
          csrf,
          url: `${ctx.config.baseUrl}/papers/${paper.id}`,
          ogType: 'article',
          head: html`${paper.authors.slice(0, 20).map((a) => html`<meta name="citation_author" content="${a}">`)}
<meta name="citation_title" content="${plainText(paper.title)}">
${paper.authors[0] ? html`<link rel="alternate" type="application/rss+xml" title="Papers by ${paper.authors[0]}" href="/feeds/author/${encodeURIComponent(paper.authors[0])}.rss">` : ''}
${paper.primaryCategory ? html`<link rel="alternate" type="application/rss+xml" title="Papers in ${paper.primaryCategory}" href="/feeds/category/${encodeURIComponent(paper.primaryCategory)}.rss">` : ''}`,
        }),
      };
    }, { onHit: countView });
    countView(request);
    return sent;
  };
}
