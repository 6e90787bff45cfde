// One paper in a list (daily, trending, search, author, category pages). Shared by every list page.
import type { Paper } from '../../store/papers.js';
import { html, raw, type SafeHtml } from './html.js';
import { mathText } from './math.js';

export interface PaperItemOptions {
  /** Safe HTML replacing the plain title/abstract (search highlights). */
  titleHtml?: SafeHtml;
  abstractHtml?: SafeHtml;
  /** Extra safe HTML shown under the entry (sparkline, trending score). */
  extra?: SafeHtml;
  /** With a CSRF token the upvote count becomes an upvote button (a form that works without JS). */
  csrf?: string;
  /** Without a CSRF token: make the count a link to sign in (signed-out readers). */
  signInToVote?: boolean;
  /** Whether the viewer has upvoted it (button pressed). */
  upvoted?: boolean;
  /** Who put it on the daily list. */
  submitter?: { username: string; displayName: string } | null;
  /** Characters of abstract to show (default 280). */
  abstractLength?: number;
}

/** The first `n` characters of a text with math, cut at a word and never inside a $…$ formula. */
export function excerpt(text: string, n: number): string {
  if (text.length <= n) return text;
  let cut = text.slice(0, n);
  const space = cut.lastIndexOf(' ');
  if (space > n * 0.6) cut = cut.slice(0, space);
  const dollars = (cut.match(/(?<!\\)\$/g) ?? []).length;
  if (dollars % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('$'));
  return `${cut.trimEnd()}…`;
}

export function authorList(authors: string[], shown = 3): SafeHtml {
  const first = authors.slice(0, shown);
  return html`${first.map((a, i) => html`${i ? ', ' : ''}<a href="/authors/${encodeURIComponent(a)}">${a}</a>`)}${authors.length > shown ? html` <span class="etal">et al.</span>` : ''}`;
}

export function upvoteButton(p: Pick<Paper, 'id' | 'upvotes'>, csrf: string | undefined, upvoted: boolean, signInToVote = false): SafeHtml {
  if (csrf === undefined && signInToVote)
    return html`<a class="votes" href="/signin?next=${encodeURIComponent(`/papers/${p.id}`)}"><span aria-hidden="true">▲</span><span class="visually-hidden">Sign in to upvote; upvotes:</span> ${p.upvotes}</a>`;
  if (csrf === undefined) return html`<span class="votes" title="upvotes"><span aria-hidden="true">▲</span> ${p.upvotes}</span>`;
  return html`<form class="upvote" method="post" action="/papers/${p.id}/upvote">
    <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="want" value="${upvoted ? '0' : '1'}">
    <button type="submit" aria-pressed="${upvoted ? 'true' : 'false'}"><span aria-hidden="true">▲</span><span class="label">Upvote<span class="visually-hidden">; upvotes:</span></span> <span class="count">${p.upvotes}</span></button>
  </form>`;
}

export function categoryChips(categories: string[]): SafeHtml {
  return html`${categories.slice(0, 4).map((c) => html`<a class="chip" href="/categories/${encodeURIComponent(c)}">${c}</a>`)}`;
}

export function paperItem(p: Paper, o: PaperItemOptions = {}): SafeHtml {
  const code = p.links.code?.[0];
  return html`<li class="paper" data-paper="${p.id}">
  <div class="vote">${upvoteButton(p, o.csrf, !!o.upvoted, o.signInToVote)}</div>
  <div class="body">
  <h2><a href="/papers/${p.id}">${o.titleHtml ?? mathText(p.title)}</a></h2>
  <p class="authors">${authorList(p.authors)}</p>
  <p class="abstract">${o.abstractHtml ?? mathText(excerpt(p.abstract, o.abstractLength ?? 280), { inline: true })}</p>
  <p class="meta">${categoryChips(p.categories)}${
    code
      ? html`<a class="code" href="${/^https?:\/\//i.test(code) ? code : '#'}" rel="nofollow noopener">code${p.githubStars !== null ? html` · <span title="GitHub stars">★ ${p.githubStars}</span>` : ''}</a>`
      : ''
  }<a class="comments" href="/papers/${p.id}#discussion">${p.numComments} ${p.numComments === 1 ? 'comment' : 'comments'}</a>${
    o.submitter ? html`<span class="by">submitted by ${o.submitter.displayName}</span>` : ''
  }</p>
  ${o.extra ?? ''}
  </div>
</li>`;
}

export { raw };
