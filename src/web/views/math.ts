// Text with LaTeX math ($…$, $$…$$, \(…\), \[…\]) turned into safe HTML: the text around the math is
// escaped, the math is rendered by KaTeX in its safe mode. Hostile input (\href{javascript:…},
// \htmlData, \def loops, huge \rule sizes) renders as harmless text or an error message.
import katex from 'katex';
import { escapeHtml, raw, type SafeHtml } from './html.js';

const MAX_MATH = 2_000; // longer "math" is almost surely a stray dollar sign: shown as text

const options = {
  throwOnError: false, // a parse error is shown as the source text in red, never thrown
  trust: false, // no \href, \url, \includegraphics, \htmlClass, \htmlData, ...
  strict: 'ignore' as const,
  maxSize: 10, // em: bounds \rule and \kern
  maxExpand: 200, // bounds macro expansion (\def recursion)
  output: 'htmlAndMathml' as const, // MathML for screen readers
};

// Rendered fragments are reused: the same titles appear on every list page.
const cache = new Map<string, string>();
const CACHE_MAX = 20_000;

function renderTex(tex: string, displayMode: boolean): string {
  const key = `${displayMode ? 'D' : 'I'}${tex}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let out: string;
  try {
    out = katex.renderToString(tex, { ...options, displayMode });
  } catch {
    // throwOnError:false still throws on a few internal limits (e.g. too many expansions)
    out = `<code class="tex-error">${escapeHtml(tex)}</code>`;
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, out);
  return out;
}

// $$…$$ | \[…\] | \(…\) | $…$ (not `\$`, not empty, not starting/ending with a space for single $)
const MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<!\\)\$((?:\\\$|[^$])+?)\$/g;

/** Finds the math in `text`; returns the pieces in order. */
export function splitMath(text: string): Array<{ math: false; text: string } | { math: true; tex: string; display: boolean }> {
  const parts: Array<{ math: false; text: string } | { math: true; tex: string; display: boolean }> = [];
  let last = 0;
  for (const m of text.matchAll(MATH)) {
    const tex = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    if (tex.length > MAX_MATH || !tex.trim()) continue;
    if (m.index! > last) parts.push({ math: false, text: text.slice(last, m.index) });
    parts.push({ math: true, tex, display: m[1] !== undefined || m[2] !== undefined });
    last = m.index! + m[0].length;
  }
  if (last < text.length) parts.push({ math: false, text: text.slice(last) });
  return parts;
}

/** Plain text with math, as safe HTML. `inline` renders display math inline (list excerpts). */
export function mathText(text: string, options: { inline?: boolean } = {}): SafeHtml {
  if (!text.includes('$') && !text.includes('\\')) return raw(escapeHtml(text));
  return raw(
    splitMath(text)
      .map((p) => (p.math ? renderTex(p.tex, p.display && !options.inline) : escapeHtml(p.text.replace(/\\\$/g, '$'))))
      .join(''),
  );
}

/** Renders one TeX expression (used by the Markdown renderer). */
export function texToHtml(tex: string, display: boolean): string {
  if (tex.length > MAX_MATH) return `<code>${escapeHtml(tex)}</code>`;
  return renderTex(tex, display);
}

/** The same text with math delimiters removed, for <title>, descriptions and feeds. */
export function plainText(text: string): string {
  return splitMath(text)
    .map((p) => (p.math ? p.tex : p.text))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
