// A small server-rendered SVG chart of a paper's upvotes and stars over time.
// (Placeholder until the trending issue lands; the signature is what the paper page calls.)
import type { AppContext } from '../context.js';
import { html, type SafeHtml } from '../web/views/html.js';

export async function momentumChart(_ctx: AppContext, _paperId: string): Promise<SafeHtml> {
  return html``;
}
