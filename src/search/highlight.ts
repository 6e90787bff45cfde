// Highlights of query words in titles and abstracts, built safely: the text is cut into word and
// non-word pieces, every piece is escaped, and only then are matching words wrapped in <mark>.
import { escapeHtml } from '../web/views/html.js';
import type { TextQuery } from './query.js';

/** A rough English stem, enough to see that "networks" and "network" are the same word here. */
export function roughStem(word: string): string {
  let w = word.toLowerCase();
  for (const suffix of ['ational', 'ization', 'ations', 'ation', 'ings', 'ing', 'ness', 'ies', 'ers', 'er', 'ed', 'es', 'ly', 's']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

export interface Marker {
  stems: Set<string>;
  prefix?: string;
  /** First letters of the stems and prefix: most words are rejected on this alone. */
  initials: Set<string>;
}

export function markerOf(q: TextQuery): Marker {
  const stems = new Set<string>();
  for (const t of [...q.terms, ...q.phrases.flat(), ...q.authors.flat()]) stems.add(roughStem(t));
  const initials = new Set([...stems].map((s) => s[0]));
  if (q.prefix) initials.add(q.prefix[0]);
  return { stems, prefix: q.prefix, initials };
}

const isMatch = (word: string, m: Marker) => {
  const lower = word.toLowerCase();
  if (!m.initials.has(lower[0])) return false;
  return m.stems.has(roughStem(lower)) || (!!m.prefix && lower.startsWith(m.prefix));
};

const WORD = /[\p{L}\p{N}]+/gu;

/** Escaped text with matching words wrapped in <mark> (safe HTML). */
export function highlight(text: string, m: Marker): string {
  let out = '';
  let last = 0;
  WORD.lastIndex = 0;
  for (let w = WORD.exec(text); w; w = WORD.exec(text)) {
    if (!isMatch(w[0], m)) continue;
    out += `${escapeHtml(text.slice(last, w.index))}<mark>${escapeHtml(w[0])}</mark>`;
    last = w.index + w[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

/** About `max` characters of the text around its first match, highlighted, with ellipses. */
export function snippet(text: string, m: Marker, max = 300): string {
  if (text.length <= max) return highlight(text, m);
  let first = -1;
  const re = /[\p{L}\p{N}]+/gu;
  let w: RegExpExecArray | null;
  while ((w = re.exec(text))) {
    if (isMatch(w[0], m)) {
      first = w.index;
      break;
    }
  }
  let start = first < 0 ? 0 : Math.max(0, first - Math.floor(max / 3));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(text.length, start + max);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + max / 2) end = space;
  }
  return `${start > 0 ? '…' : ''}${highlight(text.slice(start, end), m)}${end < text.length ? '…' : ''}`;
}
