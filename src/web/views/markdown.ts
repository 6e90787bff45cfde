// The safe Markdown subset of comments: no raw HTML, links only to http(s) with rel="nofollow ugc",
// no images, math ($…$, $$…$$) rendered like abstracts.
import MarkdownIt from 'markdown-it';
import { texToHtml } from './math.js';

const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: false });
md.disable(['image', 'heading', 'lheading', 'table', 'hr', 'html_block', 'html_inline']);

// Only absolute http(s) links; everything else (javascript:, data:, vbscript:, relative) stays text.
md.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, opts, _env, self) => self.renderToken(tokens, idx, opts));
md.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
  tokens[idx].attrSet('rel', 'nofollow ugc noopener');
  return defaultLinkOpen(tokens, idx, opts, env, self);
};

// Inline math: $…$ and $$…$$ (a lone dollar, or one followed by a space, stays text).
md.inline.ruler.before('escape', 'math', (state, silent) => {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  if (!display && (src[start + 1] === ' ' || src[start + 1] === undefined)) return false;
  let end = start + open;
  for (;;) {
    end = src.indexOf(display ? '$$' : '$', end);
    if (end < 0) return false;
    if (src[end - 1] === '\\') {
      end++;
      continue;
    }
    break;
  }
  const tex = src.slice(start + open, end);
  if (!tex.trim()) return false;
  if (!silent) {
    const token = state.push('math', '', 0);
    token.content = tex;
    token.markup = display ? '$$' : '$';
  }
  state.pos = end + open;
  return true;
});
md.renderer.rules.math = (tokens, idx) => texToHtml(tokens[idx].content, tokens[idx].markup === '$$');

/** Comment Markdown → safe HTML. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
