// The search query language: a parser from what people type into an engine-neutral query.
//   "exact phrase"  -word  -"a phrase"  author:hinton  author:"geoffrey hinton"  cat:cs.CL
//   year:2024  after:2024-01-01  before:2024-06-30  has:code  like:2401.01234 (more like this)
//   anything else: plain words
// Parsing never fails: unknown operators, stray quotes and punctuation become plain words, so
// nothing a user types can reach an engine as syntax (each engine quotes every token itself).

/** Words as the engines tokenize them: runs of letters and digits (FTS5 unicode61, tsvector). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export interface TextQuery {
  /** Required words (each a single token). */
  terms: string[];
  /** Required phrases (each a list of tokens, in order). */
  phrases: string[][];
  /** Excluded words or phrases. */
  excluded: string[][];
  /** Required author words or phrases (matched in the authors field only). */
  authors: string[][];
  /** The last typed word, also matched as a prefix ("transf" finds "transformer"). */
  prefix?: string;
  /** 'all' (default): every term must match; 'any': any term may (long and more-like-this queries). */
  match?: 'all' | 'any';
}

export interface QueryFilters {
  categories: string[];
  /** Inclusive ISO dates (YYYY-MM-DD) on the first-version date. */
  after?: string;
  before?: string;
  hasCode?: boolean;
}

export interface ParsedQuery {
  text: TextQuery;
  filters: QueryFilters;
  /** Operators as the user wrote them, for filter chips and "search without this filter" links. */
  chips: Array<{ label: string; raw: string }>;
  /** Plain words and phrases only (what the vector side embeds). */
  plain: string;
  /** `like:ID`: papers like this one ("more like this"). */
  like?: string;
}

export const MAX_QUERY_CHARS = 1000;
const MAX_TOKENS = 32;

/** Parses a query; input of any length or content is accepted (long input is cut, not rejected). */
export function parseQuery(input: string): ParsedQuery {
  const src = input.slice(0, MAX_QUERY_CHARS).normalize('NFKC');
  const text: TextQuery = { terms: [], phrases: [], excluded: [], authors: [] };
  const filters: QueryFilters = { categories: [] };
  const chips: ParsedQuery['chips'] = [];
  const plain: string[] = [];
  let lastWasPlainWord = false;
  let count = 0;
  let like: string | undefined;

  // A token: optional '-', optional op:, then a "quoted" value or a run of non-space characters.
  const re = /(-?)(?:([a-zA-Z]+):)?(?:"([^"]*)"?|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) && count < MAX_TOKENS) {
    count++;
    const [whole, neg, opRaw, quoted, bare] = m;
    const value = quoted ?? bare ?? '';
    const op = opRaw?.toLowerCase();
    lastWasPlainWord = false;
    if (op === 'like' && !neg && /^[\w./-]{1,64}$/.test(value)) {
      like = value;
      chips.push({ label: `like:${value}`, raw: whole });
      continue;
    }
    if (op && !neg && applyOperator(op, value, filters, text)) {
      chips.push({ label: `${op}:${value}`, raw: whole });
      continue;
    }
    // Not an operator we know: the whole thing is text ("foo:bar" searches for foo and bar).
    if (op && !KNOWN_OPS.has(op) && !neg) {
      for (const w of words(opRaw)) {
        text.terms.push(w);
        plain.push(w);
      }
    }
    const toks = words(value);
    if (!toks.length) continue;
    if (neg) {
      text.excluded.push(toks);
      continue;
    }
    plain.push(toks.join(' '));
    if (quoted !== undefined || toks.length > 1) text.phrases.push(toks);
    else {
      text.terms.push(toks[0]);
      lastWasPlainWord = true;
    }
  }
  // Prefix matching applies to the last word while it is still being typed (no trailing space).
  if (lastWasPlainWord && !/\s$/.test(src)) {
    const last = text.terms[text.terms.length - 1];
    if (last.length >= 3) text.prefix = last;
  }
  return { text, filters, chips, plain: plain.join(' '), like };
}

const KNOWN_OPS = new Set(['author', 'au', 'cat', 'category', 'year', 'after', 'before', 'has', 'like']);

function applyOperator(op: string, value: string, f: QueryFilters, t: TextQuery): boolean {
  switch (op) {
    case 'author':
    case 'au': {
      const toks = words(value);
      if (!toks.length) return false;
      t.authors.push(toks);
      return true;
    }
    case 'cat':
    case 'category': {
      // arXiv categories: cs.CL, math.AG, hep-th, q-bio.NC, physics.optics; case as arXiv spells it.
      if (!/^[a-zA-Z-]{2,16}(\.[a-zA-Z-]{1,16})?$/.test(value)) return false;
      f.categories.push(normaliseCategory(value));
      return true;
    }
    case 'year': {
      if (!/^(19|20)\d\d$/.test(value)) return false;
      f.after = maxDate(f.after, `${value}-01-01`);
      f.before = minDate(f.before, `${value}-12-31`);
      return true;
    }
    case 'after':
    case 'before': {
      const d = parseDay(value, op === 'before');
      if (!d) return false;
      if (op === 'after') f.after = maxDate(f.after, d);
      else f.before = minDate(f.before, d);
      return true;
    }
    case 'has':
      if (value.toLowerCase() !== 'code') return false;
      f.hasCode = true;
      return true;
    default:
      return false;
  }
}

/** cs.cl -> cs.CL, HEP-TH -> hep-th, physics.optics stays (arXiv's own spelling). */
export function normaliseCategory(value: string): string {
  const [archive, sub] = value.split('.');
  const a = archive.toLowerCase();
  if (!sub) return a;
  return `${a}.${sub.length <= 2 || a === 'cs' || a === 'math' || a === 'stat' || a === 'econ' || a === 'eess' || a === 'q-bio' || a === 'q-fin' ? sub.toUpperCase() : sub.toLowerCase()}`;
}

/** YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first day (after) or last day (before). */
function parseDay(value: string, end: boolean): string | undefined {
  const m = /^((?:19|20)\d\d)(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  if (d) {
    const iso = `${y}-${mo}-${d}`;
    return new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso ? iso : undefined;
  }
  if (mo) return end ? new Date(Date.UTC(Number(y), Number(mo), 0)).toISOString().slice(0, 10) : `${y}-${mo}-01`;
  return end ? `${y}-12-31` : `${y}-01-01`;
}

const maxDate = (a: string | undefined, b: string) => (a && a > b ? a : b);
const minDate = (a: string | undefined, b: string) => (a && a < b ? a : b);

/** Words too common to help when any word may match (all-words queries keep them). */
export const STOPWORDS = new Set(
  'a an and are as at be by for from has have how in is it its of on or that the this to was were we what when which why with our these their can using based via than also into such not only new show paper propose proposed results method approach'.split(
    ' ',
  ),
);

/** The query as an any-word query without stopwords (undefined when nothing is left). */
export function anyWords(q: TextQuery): TextQuery | undefined {
  const terms = q.terms.filter((t) => !STOPWORDS.has(t));
  if (!terms.length && !q.phrases.length && !q.authors.length) return undefined;
  return { ...q, terms, match: 'any' };
}

/** True when the query has text to match (as opposed to filters only, or nothing). */
export function hasText(q: ParsedQuery): boolean {
  return q.text.terms.length + q.text.phrases.length + q.text.authors.length > 0;
}

export function hasFilters(q: ParsedQuery): boolean {
  const f = q.filters;
  return f.categories.length > 0 || !!f.after || !!f.before || !!f.hasCode;
}

/** The query with one chip removed (the "search without this filter" links). */
export function withoutChip(input: string, raw: string): string {
  const i = input.indexOf(raw);
  if (i < 0) return input;
  return `${input.slice(0, i)}${input.slice(i + raw.length)}`.replace(/\s+/g, ' ').trim();
}
