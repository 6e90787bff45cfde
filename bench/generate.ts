// A deterministic generator of realistic Kaggle-format arXiv records, for benchmarks at scale.
// Its vocabulary (titles, abstract sentences, author names, category lists, licenses, code links) is
// real: it is drawn from the demo corpus in data/demo/, which holds recorded arXiv answers, a Kaggle
// snapshot sample and the reference page. The same (n, seed) always yields the same records.
//
//   npm run bench -- generate --n 1000000 --out FILE.jsonl[.gz] [--seed 42]
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';

/** One line of the Kaggle arXiv snapshot (Cornell-University/arxiv). */
export interface KaggleRecord {
  id: string;
  submitter: string | null;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: Array<{ version: string; created: string }>;
  update_date: string;
  authors_parsed: string[][];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const demoDir = path.resolve(here, '..', 'data', 'demo');

interface Vocabulary {
  titles: string[][]; // words of real titles
  sentences: string[]; // sentences of real abstracts
  authors: Array<[string, string]>; // [last, first]
  categories: string[]; // real category lists, e.g. "cs.LG stat.ML"
  licenses: Array<string | null>;
  comments: string[];
  journals: string[];
  repos: string[]; // owner/name of real code repositories
}

let vocabulary: Vocabulary | undefined;

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function tagTexts(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(squash(unescapeXml(m[1])));
  return out;
}

function splitName(name: string): [string, string] {
  const parts = name.split(' ');
  const last = parts.pop() ?? name;
  return [last, parts.join(' ')];
}

/** Reads the vocabulary once from data/demo (about 2 MB of real metadata). */
export function loadVocabulary(): Vocabulary {
  if (vocabulary) return vocabulary;
  const titles: string[] = [];
  const abstracts: string[] = [];
  const authors = new Map<string, [string, string]>();
  const categories = new Set<string>();
  const licenses: Array<string | null> = [];
  const comments: string[] = [];
  const journals: string[] = [];
  const repos = new Set<string>();

  for (const line of readFileSync(path.join(demoDir, 'kaggle-sample.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as KaggleRecord;
    titles.push(squash(r.title));
    abstracts.push(squash(r.abstract));
    for (const [last, first] of r.authors_parsed) if (last) authors.set(`${first} ${last}`, [last, first]);
    categories.add(r.categories);
    licenses.push(r.license);
    if (r.comments) comments.push(squash(r.comments));
    if (r['journal-ref']) journals.push(squash(r['journal-ref']));
  }
  const reference = JSON.parse(readFileSync(path.join(demoDir, 'reference-papers.json'), 'utf8')) as {
    papers: Array<{ title: string; abstract: string; github: string[] }>;
  };
  for (const p of reference.papers) {
    titles.push(squash(p.title));
    abstracts.push(squash(p.abstract));
    for (const g of p.github) {
      const m = /github\.com\/([\w.-]+\/[\w.-]+)/i.exec(g);
      if (m) repos.add(m[1].replace(/\.$/, ''));
    }
  }
  for (const file of ['oai-arxivraw-cs-2016.xml', 'oai-arxivraw-2014.xml', 'atom-cs-ai-lg-2026.xml', 'atom-testing-2026.xml', 'atom-transformer-2026.xml']) {
    const xml = readFileSync(path.join(demoDir, file), 'utf8');
    const isAtom = file.startsWith('atom');
    for (const t of tagTexts(xml, 'title')) if (!/^arxiv query|^error$/i.test(t)) titles.push(t);
    abstracts.push(...tagTexts(xml, isAtom ? 'summary' : 'abstract'));
    for (const c of tagTexts(xml, 'categories')) categories.add(c);
    for (const c of tagTexts(xml, isAtom ? 'arxiv:comment' : 'comments')) comments.push(c);
    for (const j of tagTexts(xml, isAtom ? 'arxiv:journal_ref' : 'journal-ref')) journals.push(j);
    for (const l of tagTexts(xml, 'license')) licenses.push(l);
    const names = isAtom ? tagTexts(xml, 'name') : tagTexts(xml, 'authors').flatMap((a) => a.split(/,\s*|\s+and\s+/));
    for (const n of names) if (n && n.length < 60 && !/arxiv api/i.test(n)) authors.set(n, splitName(n));
    for (const m of xml.matchAll(/github\.com\/([\w.-]+\/[\w-]+)/gi)) repos.add(m[1]);
  }
  const sentences = abstracts
    .flatMap((a) => a.split(/(?<=[.!?])\s+(?=[A-Z])/))
    .map((s) => s.trim())
    .filter((s) => s.length >= 30 && s.length <= 600);
  vocabulary = {
    titles: titles.filter((t) => t.length > 10).map((t) => t.split(' ')),
    sentences,
    authors: [...authors.values()],
    categories: [...categories],
    licenses,
    comments,
    journals,
    repos: [...repos],
  };
  return vocabulary;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same stream everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The date format of the snapshot's `versions[].created`: "Mon, 2 Apr 2007 19:18:42 GMT". */
export function rfc2822(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

/** Hard-wraps at about 80 columns, as the snapshot's abstracts are. */
function wrap(text: string, width = 80): string {
  const lines: string[] = [];
  let start = 0;
  while (text.length - start > width) {
    let cut = text.lastIndexOf(' ', start + width);
    if (cut <= start) cut = text.indexOf(' ', start + width);
    if (cut === -1) break;
    lines.push(text.slice(start, cut));
    start = cut + 1;
  }
  lines.push(text.slice(start));
  return lines.join('\n');
}

export interface GenerateOptions {
  /** First month of the id range (new-style ids start in 2015-01). */
  fromMonth?: string; // YYYY-MM
  /** Last month of the id range; ids, and so dates, rise with the record index as in the real file. */
  toMonth?: string; // YYYY-MM
}

/**
 * Yields n records. Ids are unique new-style ids that rise with the index, spread evenly over the
 * months from `fromMonth` to `toMonth` (default 2015-01 to 2026-10), so the last records are the
 * newest, as in the real snapshot. About 12% carry a GitHub link in the comments or the abstract.
 */
export function* generateKaggleRecords(n: number, seed = 42, options: GenerateOptions = {}): Generator<KaggleRecord> {
  const v = loadVocabulary();
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const [fy, fm] = (options.fromMonth ?? '2015-01').split('-').map(Number);
  const [ty, tm] = (options.toMonth ?? '2026-10').split('-').map(Number);
  const months = (ty - fy) * 12 + (tm - fm) + 1;
  if (months < 1) throw new Error('toMonth is before fromMonth');
  if (Math.ceil(n / months) > 99_999) throw new Error(`at most ${99_999 * months} records fit in ${months} months of new-style ids`);

  for (let i = 0; i < n; i++) {
    const monthIndex = Math.floor((i * months) / n);
    const seq = i - Math.ceil((monthIndex * n) / months) + 1;
    const year = fy + Math.floor((fm - 1 + monthIndex) / 12);
    const month = ((fm - 1 + monthIndex) % 12) + 1;
    const id = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}.${String(seq).padStart(5, '0')}`;

    // Title: the start of one real title joined to the end of another.
    const a = pick(v.titles);
    const b = pick(v.titles);
    const cut = Math.max(1, Math.floor(a.length / 2));
    const title = [...a.slice(0, cut), ...b.slice(Math.floor(b.length / 2))].join(' ');

    // Abstract: real sentences, 500 to 1,500 characters (the snapshot averages about 1,000).
    const sentences: string[] = [];
    let length = 0;
    const target = 450 + Math.floor(random() * 1000);
    while (length < target && sentences.length < 10) {
      const s = pick(v.sentences);
      sentences.push(s);
      length += s.length + 1;
    }
    const withCode = random() < 0.12;
    const repo = withCode ? (random() < 0.7 && v.repos.length ? pick(v.repos) : `${pick(v.authors)[0].toLowerCase().replace(/[^a-z]/g, '') || 'lab'}/${a[0].toLowerCase().replace(/[^a-z0-9]/g, '') || 'code'}`) : '';
    const codeInAbstract = withCode && random() < 0.5;
    if (codeInAbstract) sentences.push(`Code is available at https://github.com/${repo}.`);
    const abstract = `  ${wrap(sentences.join(' '))}\n`;

    // Authors: 1 to 12, most papers 2 to 6.
    const count = Math.max(1, Math.min(40, Math.round(1 + random() * 4 + (random() < 0.1 ? random() * 30 : 0))));
    const people: Array<[string, string]> = [];
    for (let k = 0; k < count; k++) people.push(pick(v.authors));
    const names = people.map(([last, first]) => (first ? `${first} ${last}` : last));
    const authors = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];

    let comments: string | null = random() < 0.7 ? pick(v.comments) : null;
    if (withCode && !codeInAbstract) comments = `${comments ? `${comments}. ` : ''}Code: https://github.com/${repo}`;

    const day = 1 + Math.floor(random() * 28);
    const created = new Date(Date.UTC(year, month - 1, day, Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60)));
    const versions = [{ version: 'v1', created: rfc2822(created) }];
    let last = created;
    const extra = random() < 0.35 ? 1 + Math.floor(random() * 3) : 0;
    for (let k = 0; k < extra; k++) {
      last = new Date(last.getTime() + (1 + Math.floor(random() * 120)) * 86_400_000);
      versions.push({ version: `v${k + 2}`, created: rfc2822(last) });
    }
    const hasJournal = random() < 0.2;
    yield {
      id,
      submitter: names[0],
      authors,
      title,
      comments,
      'journal-ref': hasJournal ? pick(v.journals) : null,
      doi: hasJournal ? `10.${1000 + Math.floor(random() * 9000)}/${id}` : null,
      'report-no': null,
      categories: pick(v.categories),
      license: pick(v.licenses),
      abstract,
      versions,
      update_date: last.toISOString().slice(0, 10),
      authors_parsed: people.map(([l, f]) => [l, f, '']),
    };
  }
}

/** Writes n records as JSON lines (gzip when the name ends in .gz); returns the bytes written before compression. */
export async function writeKaggleFile(file: string, n: number, seed = 42): Promise<number> {
  const out = createWriteStream(file);
  const gz = file.endsWith('.gz') ? createGzip({ level: 1 }) : undefined;
  if (gz) gz.pipe(out);
  const sink: Writable = gz ?? out;
  let bytes = 0;
  let chunk = '';
  for (const record of generateKaggleRecords(n, seed)) {
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!sink.write(chunk)) await once(sink, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  sink.end(chunk);
  await once(out, 'close');
  return bytes;
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(arg('n', '1000'));
  const out = arg('out');
  const seed = Number(arg('seed', '42'));
  if (!out || !Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: npm run bench -- generate --n N --out FILE.jsonl[.gz] [--seed S]\n');
    process.exit(2);
  }
  const started = performance.now();
  const bytes = await writeKaggleFile(out, n, seed);
  const s = (performance.now() - started) / 1000;
  process.stdout.write(`wrote ${n} records (${(bytes / 1e6).toFixed(1)} MB of JSON) to ${out} in ${s.toFixed(1)} s\n`);
}
