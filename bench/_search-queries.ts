// The search benchmark's query mix: what people type into a papers search box, built from real
// titles that are NOT the generator's source (CSFCube's 4,205 computer-science titles and the
// Hugging Face daily-papers fixtures), so the queries are not drawn from the corpus they search.
// Mix, fixed before any timing was looked at: 1 word 25%, 2 words 30%, 3 words 20%, 4 words 10%
// (consecutive content words of a title, as people type a noun phrase), a quoted two-word phrase
// 15%; and 15% of all queries carry one filter (cat:, year:, has:code or author: with a real
// author's last name from the fixtures). Deterministic for a seed.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STOPWORDS, words } from '../src/search/query.js';
import { rng } from './generate.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures');

interface Pool {
  titles: string[];
  authors: string[];
  categories: string[];
}

function loadPool(): Pool {
  const titles: string[] = [];
  const authors: string[] = [];
  for (const line of readFileSync(path.join(fixtures, 'relevance', 'csfcube', 'csfcube_abstracts.derived.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) titles.push((JSON.parse(line) as { title: string }).title);
  }
  const hf = path.join(fixtures, 'hf');
  for (const file of readdirSync(hf).filter((f) => f.endsWith('.json')).sort()) {
    for (const item of JSON.parse(readFileSync(path.join(hf, file), 'utf8')) as Array<{ paper: { title: string; authors: Array<{ name: string }> } }>) {
      titles.push(item.paper.title);
      for (const a of item.paper.authors) authors.push(a.name.split(' ').pop() ?? a.name);
    }
  }
  const categories: string[] = [];
  for (const line of readFileSync(path.join(fixtures, 'kaggle', 'arxiv-metadata-oai-snapshot.head200.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) categories.push(...(JSON.parse(line) as { categories: string }).categories.split(' '));
  }
  return { titles, authors: authors.filter((a) => /^\p{L}{3,}$/u.test(a)), categories };
}

export interface BenchQuery {
  /** What the user typed (trailing space: a submitted query, not one being typed). */
  text: string;
  kind: '1 word' | '2 words' | '3 words' | '4 words' | 'phrase';
  filter?: 'cat' | 'year' | 'has:code' | 'author';
}

export function benchQueries(count: number, seed = 99): BenchQuery[] {
  const pool = loadPool();
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const out: BenchQuery[] = [];
  while (out.length < count) {
    const content = words(pick(pool.titles)).filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
    const r = random();
    const [kind, len]: [BenchQuery['kind'], number] = r < 0.25 ? ['1 word', 1] : r < 0.55 ? ['2 words', 2] : r < 0.75 ? ['3 words', 3] : r < 0.85 ? ['4 words', 4] : ['phrase', 2];
    if (content.length < len) continue;
    const start = Math.floor(random() * (content.length - len + 1));
    const picked = content.slice(start, start + len).join(' ');
    let text = kind === 'phrase' ? `"${picked}"` : picked;
    let filter: BenchQuery['filter'];
    if (random() < 0.15) {
      const f = random();
      if (f < 0.35) [filter, text] = ['cat', `${text} cat:${pick(pool.categories)}`];
      else if (f < 0.6) [filter, text] = ['year', `${text} year:${2016 + Math.floor(random() * 11)}`];
      else if (f < 0.8) [filter, text] = ['has:code', `${text} has:code`];
      else [filter, text] = ['author', `author:${pick(pool.authors).toLowerCase()} ${text}`];
    }
    out.push({ text: `${text} `, kind, filter });
  }
  return out;
}
