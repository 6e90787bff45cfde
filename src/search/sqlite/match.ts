// Compiles a parsed text query into an FTS5 MATCH expression. Every token is emitted as a quoted
// FTS5 string ("..." with inner quotes doubled), so operators, column filters, NEAR, '*' and
// parentheses typed by a user are only ever searched for as words, never interpreted.
import type { TextQuery } from '../query.js';

const quote = (token: string) => `"${token.replace(/"/g, '""')}"`;
const phrase = (tokens: string[]) => quote(tokens.join(' '));

/** The MATCH expression, or undefined when the query has nothing positive to match. */
export function compileMatch(q: TextQuery): string | undefined {
  const positives: string[] = [];
  // A word typed twice is matched once: FTS5's BM25 scans the whole index entry of every term.
  for (const t of new Set(q.terms)) {
    // The word being typed also matches as a prefix; the plain form keeps the stemmed match
    // (FTS5 does not stem prefix queries, so "networks*" alone would miss "network").
    positives.push(t === q.prefix ? `(${quote(t)} OR ${quote(t)}*)` : quote(t));
  }
  for (const p of q.phrases) positives.push(phrase(p));
  for (const a of q.authors) positives.push(`authors : ${phrase(a)}`);
  if (!positives.length) return undefined;
  const joined = positives.length === 1 ? positives[0] : `(${positives.join(q.match === 'any' ? ' OR ' : ' AND ')})`;
  const negatives = q.excluded.map((e) => ` NOT ${phrase(e)}`).join('');
  return joined + negatives;
}

/**
 * Each phrase of compileMatch's expression as a MATCH expression of its own, in the order FTS5
 * numbers them (left to right): what bm25_df's document counts are counted with (bm25-df.ts).
 */
export function matchPhrases(q: TextQuery): string[] {
  const out: string[] = [];
  for (const t of new Set(q.terms)) out.push(...(t === q.prefix ? [quote(t), `${quote(t)}*`] : [quote(t)]));
  for (const p of q.phrases) out.push(phrase(p));
  for (const a of q.authors) out.push(`authors : ${phrase(a)}`);
  for (const e of q.excluded) out.push(phrase(e));
  return out;
}

/** A MATCH expression for excluded words alone (used as NOT IN when nothing positive is given). */
export function compileExcluded(q: Pick<TextQuery, 'excluded'>): string | undefined {
  if (!q.excluded?.length) return undefined;
  return q.excluded.map(phrase).join(' OR ');
}

/** Title-only prefix match for search-as-you-type. */
export function compileTitlePrefix(q: TextQuery): string | undefined {
  const tokens = [...q.terms, ...q.phrases.flat()];
  if (!tokens.length) return undefined;
  const parts = tokens.map((t, i) => (i === tokens.length - 1 && t.length >= 2 ? `(${quote(t)} OR ${quote(t)}*)` : quote(t)));
  return `title : (${parts.join(' AND ')})`;
}
