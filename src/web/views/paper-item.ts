// One paper in a list (daily, trending, search, author, category pages). Shared by every list page.
import type { Paper } from '../../store/papers.js';
import { html, type SafeHtml } from './html.js';

export interface PaperItemOptions {
  /** Safe HTML replacing the plain title/abstract (search highlights). */
  titleHtml?: SafeHtml;
  abstractHtml?: SafeHtml;
  /** Extra safe HTML shown under the entry (sparkline, trending score). */
  extra?: SafeHtml;
}

export function paperItem(p: Paper, o: PaperItemOptions = {}): SafeHtml {
  const abstract = p.abstract.length > 300 ? `${p.abstract.slice(0, 300)}…` : p.abstract;
  return html`<li class="paper">
  <h2><a href="/papers/${p.id}">${o.titleHtml ?? p.title}</a></h2>
  <p class="authors">${p.authors.slice(0, 4).join(', ')}${p.authors.length > 4 ? ' et al.' : ''}</p>
  <p class="abstract">${o.abstractHtml ?? abstract}</p>
  <p class="meta">${p.upvotes} upvotes · ${p.numComments} comments</p>
  ${o.extra ?? ''}
</li>`;
}
