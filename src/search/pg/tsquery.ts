// Compiles a parsed text query into PostgreSQL tsquery text, to be passed as ONE bound parameter
// to to_tsquery(language, $n). Every token is emitted as a quoted lexeme ('…' with quotes and
// backslashes escaped), so tsquery operators typed by a user (& | ! <-> : * parentheses) are only
// ever searched for as words. to_tsquery then stems each quoted token in the index's language.
// Field restriction uses the tsvector weights set by the index: A title, B authors, C abstract.
import type { TextQuery } from '../query.js';

const lexeme = (token: string, suffix = '') => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${suffix}`;
const phrase = (tokens: string[], suffix = '') => (tokens.length === 1 ? lexeme(tokens[0]!, suffix) : `(${tokens.map((t) => lexeme(t, suffix)).join(' <-> ')})`);

/** The tsquery text, or undefined when the query has nothing positive to match. */
export function compileTsquery(q: TextQuery): string | undefined {
  const positives: string[] = [];
  for (const t of q.terms) positives.push(t === q.prefix ? `(${lexeme(t)} | ${lexeme(t, ':*')})` : lexeme(t));
  for (const p of q.phrases) positives.push(phrase(p));
  for (const a of q.authors) positives.push(phrase(a, ':B'));
  if (!positives.length) return undefined;
  const joined = positives.length === 1 ? positives[0]! : `(${positives.join(q.match === 'any' ? ' | ' : ' & ')})`;
  const negatives = q.excluded.map((e) => ` & !${phrase(e)}`).join('');
  return joined + negatives;
}

/** Excluded words or phrases alone, any of which rules a paper out. */
export function compileExcluded(excluded: string[][] | undefined): string | undefined {
  if (!excluded?.length) return undefined;
  return excluded.map((e) => phrase(e)).join(' | ');
}

/** Title-only match for search-as-you-type; the last word also matches as a prefix. */
export function compileTitlePrefix(q: TextQuery): string | undefined {
  const tokens = [...q.terms, ...q.phrases.flat()];
  if (!tokens.length) return undefined;
  return tokens.map((t, i) => (i === tokens.length - 1 && t.length >= 2 ? `(${lexeme(t, ':A')} | ${lexeme(t, ':*A')})` : lexeme(t, ':A'))).join(' & ');
}

/** One word as a tsquery (document frequency). */
export function compileWord(word: string): string {
  return lexeme(word);
}
