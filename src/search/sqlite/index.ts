// The SQLite search index: FTS5 (BM25 with field weights, porter stemming) for words, sqlite-vec
// for vectors. Vectors are searched in two steps, because an exact float scan of a million papers
// is too slow: a Hamming-distance scan over 1-bit quantized copies (64 bytes per paper at 512 dims,
// made by sqlite-vec's vec_quantize_binary, scanned in memory by binary-codes.ts) picks candidates,
// then their int8 copies (int8-vectors.ts) rescore them; the float vectors are read only by exact
// scans (recall measurements, narrow filters).
import type SqliteDatabase from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { AppContext } from '../../context.js';
import { registerSearchIndex, type IndexFilters, type IndexHit, type IndexSort, type KeywordPage, type SearchIndex, type VectorModel, type VectorRecord } from '../index.js';
import type { TextQuery } from '../query.js';
import { compileExcluded, compileMatch, compileTitlePrefix, matchPhrases } from './match.js';
import { PhraseCounts, loadBm25Df } from './bm25-df.js';
import { BinaryCodes } from './binary-codes.js';
import { cosineInt8, quantizeInt8 } from './int8-vectors.js';
import { maintainRecentIndex, recentIndexUsable } from './recent-fts.js';

type Db = SqliteDatabase.Database;
type Params = unknown[];

const loaded = new WeakSet<Db>();

/** Loads sqlite-vec into this connection once. */
export function loadVectorExtension(db: Db): void {
  if (loaded.has(db)) return;
  sqliteVec.load(db);
  loaded.add(db);
}

const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** The filters' dates as a half-open range on published_at: [after, before). */
const dateRange = (f: IndexFilters) => ({ after: [f.after, f.since].filter(Boolean).sort().pop(), before: f.before ? nextDay(f.before) : undefined });

/**
 * Relevance ranking scores at most this many of a query's matches: the newest ones (highest
 * rowid, i.e. the most recently added papers). FTS5 has no top-k pruning (no WAND), so
 * `ORDER BY rank` scores every match: at 1,000,000 papers a one-word query such as "models"
 * matches 645,000 and takes ~700 ms of CPU. A query that matches fewer papers than this is
 * ranked exactly as before; a broader one returns the best BM25 matches among its newest
 * RANK_WINDOW, so an old paper that would have ranked first can be missed by a very broad query
 * (narrowing the query finds it). Measured in bench/search.ts; the CSFCube evaluation (4,205
 * papers) is below the window and so unchanged by it.
 */
export const RANK_WINDOW = 10_000;
/**
 * With filters (cat:, year:, has:code, ...), the newest this-many matches that pass them are
 * ranked. Smaller than RANK_WINDOW because each match read costs a papers lookup for the filter.
 */
export const FILTERED_WINDOW = 2_000;

/** bm25()'s column weights in the rank configuration of papers_fts and papers_fts_recent (migrations 0300, 0303): title, authors, abstract. */
const FIELD_WEIGHTS = '10.0, 4.0, 1.0';

/** How many quantized candidates are rescored per wanted neighbour (measured: bench/search.ts). */
export const RESCORE_FACTOR = 10;
/** The fewest candidates rescored for any k (recall@20 >= 0.95 at 1,000,000 papers needs 1,000). */
export const MIN_CANDIDATES = 1000;

export class SqliteSearchIndex implements SearchIndex {
  private readonly statements = new Map<string, SqliteDatabase.Statement>();

  /** Document counts for bm25_df (bm25-df.ts); undefined when the extension is not available here. */
  readonly phraseCounts?: PhraseCounts;

  /**
   * rankWindow: RANK_WINDOW unless a test wants to see the window on a small store; useRecent: false
   * to rank from the full index alone (the benchmark's comparison); dataDir: where bm25_df may be
   * built when node_modules is read-only; knownCounts: false to rank with FTS5's bm25() itself.
   */
  constructor(
    private readonly db: Db,
    private readonly rankWindow = RANK_WINDOW,
    private readonly useRecent = true,
    o: { dataDir?: string; knownCounts?: boolean } = {},
  ) {
    if (o.knownCounts !== false && loadBm25Df(db, o.dataDir)) this.phraseCounts = new PhraseCounts(db);
  }

  /**
   * The BM25 score of a row of `table` (aliased `alias`) for the query q, lower is better, with
   * its parameter: FTS5's bm25() with the phrases' document counts passed in (bm25_df) when the
   * extension is loaded, else the table's own rank (bm25() with the same weights).
   */
  private score(table: string, alias: string, q: TextQuery): { sql: string; params: Params } {
    if (!this.phraseCounts) return { sql: `${alias}.rank`, params: [] };
    return { sql: `bm25_df(${alias}.${table}, ?, ${FIELD_WEIGHTS})`, params: [this.phraseCounts.blob(table, matchPhrases(q))] };
  }

  private stmt(source: string): SqliteDatabase.Statement {
    let s = this.statements.get(source);
    if (!s) {
      s = this.db.prepare(source);
      this.statements.set(source, s);
    }
    return s;
  }

  /** SQL conditions over `papers p` for the filters, with their parameters. */
  private where(f: IndexFilters): { sql: string; params: Params; selective: boolean } {
    const parts = ['p.hidden = 0'];
    const params: Params = [];
    for (const c of f.categories ?? []) {
      parts.push('exists (select 1 from paper_categories c where c.paper_id = p.id and c.category = ?)');
      params.push(c);
    }
    const { after, before } = dateRange(f);
    if (after) {
      parts.push('p.published_at >= ?');
      params.push(after);
    }
    if (before) {
      parts.push('p.published_at < ?');
      params.push(before);
    }
    if (f.hasCode) parts.push(`(p.github_repo is not null or p.links like '%"code":["%')`);
    if (f.excludeIds?.length) {
      parts.push(`p.id not in (${f.excludeIds.map(() => '?').join(', ')})`);
      params.push(...f.excludeIds);
    }
    const excluded = compileExcluded({ excluded: f.excluded ?? [] });
    if (excluded) {
      parts.push('p.rowid not in (select rowid from papers_fts where papers_fts match ?)');
      params.push(excluded);
    }
    const selective = parts.length > 1 && !(parts.length === 2 && f.excludeIds?.length);
    return { sql: parts.join(' and '), params, selective };
  }

  /**
   * The same conditions on a full-text cursor's rowid alone (migration 0304's tables): one
   * primary-key lookup per match in narrow tables, no papers row read. Before, dates and categories
   * were rowid lists built for each query (a year at 1M papers: 84,000 rowids, ~44 ms CPU) and
   * hidden or has:code read each match's 2 KB papers row.
   */
  private whereByRowid(f: IndexFilters, rowid: string): { sql: string; params: Params } {
    const row = ['r.hidden = 0'];
    const params: Params = [];
    const { after, before } = dateRange(f);
    if (after) {
      row.push('r.published_at >= ?');
      params.push(after);
    }
    if (before) {
      row.push('r.published_at < ?');
      params.push(before);
    }
    if (f.hasCode) row.push('r.has_code = 1');
    const parts = [`exists (select 1 from search_filter_rows r where r.paper_rowid = ${rowid} and ${row.join(' and ')})`];
    for (const c of f.categories ?? []) {
      parts.push(`exists (select 1 from search_category_rows c where c.category = ? and c.paper_rowid = ${rowid})`);
      params.push(c);
    }
    if (f.excludeIds?.length) {
      parts.push(`${rowid} not in (select rowid from papers where id in (${f.excludeIds.map(() => '?').join(', ')}))`);
      params.push(...f.excludeIds);
    }
    const excluded = compileExcluded({ excluded: f.excluded ?? [] });
    if (excluded) {
      parts.push(`${rowid} not in (select rowid from papers_fts where papers_fts match ?)`);
      params.push(excluded);
    }
    return { sql: parts.join(' and '), params };
  }

  private order(sort: IndexSort, relevance: string): { join: string; by: string } {
    if (sort === 'date') return { join: '', by: 'p.published_at desc, p.id' };
    if (sort === 'trending') return { join: 'left join trending_scores t on t.paper_id = p.id', by: `coalesce(t.score, 0) desc, ${relevance}` };
    return { join: '', by: relevance };
  }

  /**
   * The query without its prefix match when the last word is already an indexed word: stemming
   * finds its other forms, and FTS5 answers a prefix by merging the position lists of every
   * indexed word that starts with it, even when none adds a match (1M papers, CPU: "models"
   * 30 ms, "models" OR models* 113 ms; "data" 19 ms, with data* 93 ms). A word still being typed
   * ("transfor") is no indexed word and keeps its prefix match.
   */
  withoutNeedlessPrefix(q: TextQuery): TextQuery {
    if (!q.prefix) return q;
    const indexed = this.stmt('select 1 from papers_fts where papers_fts match ? limit 1').get(compileMatch({ terms: [q.prefix], phrases: [], excluded: [], authors: [] })!);
    return indexed ? { ...q, prefix: undefined } : q;
  }

  private recentChecked = { at: 0, usable: false };

  /** Whether the index of the newest papers can serve windows (recent-fts.ts), checked every 2 s. */
  private recentUsable(): boolean {
    const now = Date.now();
    if (now - this.recentChecked.at > 2000) this.recentChecked = { at: now, usable: this.useRecent && recentIndexUsable(this.db) };
    return this.recentChecked.usable;
  }

  /**
   * A ranked window's rows, from the index of the newest papers when the window is full there: the
   * newest `window` matches are then all among the newest papers, the same rows the full index
   * would give (with BM25 statistics from the newest papers). Otherwise from the full index. The
   * matches there are counted first, unranked (no IDF scan), so a narrower query does not rank twice
   * (1M papers, CPU, 170 unfiltered bench queries: ranking there first and falling back p50 13.9 /
   * p95 34.8 ms, counting first 12.5 / 28.7 ms, full index only 13.8 / 32.7 ms).
   */
  private inWindowOrder<T>(ranked: (table: string) => T[], window: number, match: string, filter?: { sql: string; params: Params }): T[] {
    if (this.recentUsable()) {
      const inRecent = this.stmt(
        `select count(*) from (select f.rowid from papers_fts_recent f where papers_fts_recent match ?${filter ? ` and ${filter.sql}` : ''} limit ?)`,
      )
        .pluck()
        .get(match, ...(filter?.params ?? []), window) as number;
      if (inRecent >= window) return ranked('papers_fts_recent');
    }
    return ranked('papers_fts');
  }

  async keyword(typed: TextQuery, filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage> {
    const q = this.withoutNeedlessPrefix(typed);
    const match = compileMatch(q);
    if (!match) return this.browse({ ...filters, excluded: [...(filters.excluded ?? []), ...q.excluded] }, o);
    const cap = o.countCap ?? 10_000;
    const w = this.where(filters);
    const want = o.offset + o.limit;
    let hits: IndexHit[] | undefined;
    let total: number | undefined;
    if (o.sort === 'relevance' && w.selective) {
      const wf = this.whereByRowid(filters, 'f.rowid');
      // Filters: the newest FILTERED_WINDOW matches that pass them, read newest first, are ranked
      // (rank is computed only for rows that pass). Fewer than that means every filtered match was
      // ranked, and counted; as many means there are more than the count cap. Papers rows are read
      // for the page only.
      const window = Math.max(Math.min(this.rankWindow, FILTERED_WINDOW), want);
      const ranked = (table: string) => {
        const score = this.score(table, 'f', q);
        return this.stmt(
          `select rowid, s, count(*) over () n from (select f.rowid, ${score.sql} s from ${table} f
           where ${table} match ? and ${wf.sql} order by f.rowid desc limit ?) order by s limit ? offset ?`,
        ).all(...score.params, match, ...wf.params, window, o.limit, o.offset) as Array<{ rowid: number; s: number; n: number }>;
      };
      const rows = this.inWindowOrder(ranked, window, match, wf);
      const ids = new Map(
        (this.stmt('select rowid, id from papers where rowid in (select value from json_each(?))').raw().all(JSON.stringify(rows.map((r) => r.rowid))) as Array<[number, string]>),
      );
      hits = rows.filter((r) => ids.has(r.rowid)).map((r) => ({ paperId: ids.get(r.rowid)!, score: -r.s }));
      const inWindow = rows[0]?.n ?? 0;
      if (inWindow < window || cap < window) total = rows.length || o.offset === 0 ? inWindow : undefined;
    } else if (o.sort === 'relevance') {
      // BM25 over the newest rankWindow matches only (see RANK_WINDOW); the window is ranked
      // first, then its best rows are checked against the filters and hidden papers.
      // n: how many matches the window holds (all of them when fewer than the window), counted in
      // the same pass, so neither the window's fullness nor the count needs another scan.
      // The index is chosen on the first call (see inWindowOrder) and kept for the larger fetches.
      let table: string | undefined;
      const rankedIn = (t: string, fetch: number) => {
        const score = this.score(t, 'f', q);
        return this.stmt(
          `select rowid, s, count(*) over () n from (select f.rowid, ${score.sql} s from ${t} f where ${t} match ? order by f.rowid desc limit ${this.rankWindow}) order by s limit ?`,
        ).all(...score.params, match, fetch) as Array<{ rowid: number; s: number; n: number }>;
      };
      const ranked = (fetch: number) => (table ? rankedIn(table, fetch) : this.inWindowOrder((t) => rankedIn((table = t), fetch), this.rankWindow, match));
      const kept = (rows: Array<{ rowid: number; s: number }>) => {
        const ids = new Map(
          (this.stmt(`select p.rowid, p.id from papers p where p.rowid in (select value from json_each(?)) and ${w.sql}`).all(JSON.stringify(rows.map((r) => r.rowid)), ...w.params) as Array<{ rowid: number; id: string }>).map((r) => [r.rowid, r.id]),
        );
        return rows.filter((r) => ids.has(r.rowid)).map((r) => ({ paperId: ids.get(r.rowid)!, score: -r.s }));
      };
      // Hidden papers drop rows after ranking: fetch more than the page, and more again if that was too few.
      let fetch = want + 10;
      let rows = ranked(fetch);
      let page = kept(rows);
      while (page.length < want && rows.length === fetch && fetch < this.rankWindow) {
        rows = ranked((fetch *= 4));
        page = kept(rows);
      }
      const inWindow = rows[0]?.n ?? 0;
      const windowFull = inWindow >= this.rankWindow;
      if (page.length >= want || !windowFull) {
        hits = page.slice(o.offset, want);
        // Fewer matches than the window: the window's count is the count (hidden papers aside,
        // which are rare and shown nowhere). A full window holds more than any count cap below it.
        if (!windowFull) total = inWindow;
        else if (cap < this.rankWindow) total = inWindow;
      }
      // Otherwise hidden papers left too few of the window's papers: rank every match below.
    }
    if (!hits) {
      const score = this.score('papers_fts', 'f', q);
      const ord = this.order(o.sort, 's');
      const rows = this.stmt(
        `select p.id, ${score.sql} s from papers_fts f join papers p on p.rowid = f.rowid ${ord.join}
         where papers_fts match ? and ${w.sql} order by ${ord.by} limit ? offset ?`,
      ).all(...score.params, match, ...w.params, o.limit, o.offset) as Array<{ id: string; s: number }>;
      hits = rows.map((r) => ({ paperId: r.id, score: -r.s }));
    }
    total ??= w.selective
      ? (this.stmt(`select count(*) n from (select 1 from papers_fts f join papers p on p.rowid = f.rowid where papers_fts match ? and ${w.sql} limit ?)`).get(match, ...w.params, cap + 1) as { n: number }).n
      : (this.stmt(`select count(*) n from (select rowid from papers_fts where papers_fts match ? limit ?)`).get(match, cap + 1) as { n: number }).n;
    return { hits, total: Math.min(total, cap), capped: total > cap };
  }

  async browse(filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage> {
    const cap = o.countCap ?? 10_000;
    const w = this.where(filters);
    const ord = this.order(o.sort === 'relevance' ? 'date' : o.sort, 'p.published_at desc');
    const rows = this.stmt(`select p.id from papers p ${ord.join} where ${w.sql} order by ${ord.by} limit ? offset ?`).all(...w.params, o.limit, o.offset) as Array<{ id: string }>;
    const total = (this.stmt(`select count(*) n from (select 1 from papers p where ${w.sql} limit ?)`).get(...w.params, cap + 1) as { n: number }).n;
    return { hits: rows.map((r, i) => ({ paperId: r.id, score: -(o.offset + i) })), total: Math.min(total, cap), capped: total > cap };
  }

  private codes?: BinaryCodes;
  private codesModel?: string;

  /** The in-memory 1-bit codes of this model's vectors, brought up to date with the table. */
  private codesFor(model: VectorModel): BinaryCodes | undefined {
    if (model.dims % 32 !== 0 || model.dims <= 0) return undefined;
    if (!this.codes || this.codes.dims !== model.dims || this.codesModel !== model.name) {
      this.codes = new BinaryCodes(model.dims);
      this.codesModel = model.name;
    }
    const rows = this.stmt('select b.id, b.bits from search_vector_bits b where b.id > ? and b.dims = ? order by b.id').raw().iterate(this.codes.maxId, model.dims) as Iterable<[number, Buffer]>;
    for (const [id, bits] of rows) this.codes.add(id, bits);
    return this.codes;
  }

  async vector(vector: Float32Array, model: VectorModel, filters: IndexFilters, k: number, o: { candidates?: number } = {}): Promise<IndexHit[]> {
    if (k <= 0) return [];
    loadVectorExtension(this.db);
    const codes = this.codesFor(model);
    if (!codes?.size) return [];
    const w = this.where(filters);
    // Measured recall@20 (bench/results/search.md): 500 candidates 0.99 at 100k papers but 0.945 at
    // 1M; 1,000 gives 0.975 at 1M.
    const candidates = o.candidates ?? (w.selective ? Math.max(4000, k * RESCORE_FACTOR) : Math.max(MIN_CANDIDATES, k * RESCORE_FACTOR));
    const query = this.stmt('select vec_quantize_binary(?)').pluck().get(blob(vector)) as Buffer;
    const category = filters.categories?.[0];
    if (category && !o.candidates) {
      // A category too small for enough of the global candidates to be in it: its own vectors
      // (search_category_rows to search_vector_rows, migration 0305) are the candidates, nearest
      // by their codes first, then rescored; the other filters are checked on the best.
      const inCategory = this.stmt('select count(*) from search_category_rows where category = ?').pluck().get(category) as number;
      if ((inCategory * Math.min(candidates, codes.size)) / codes.size < 2 * k) {
        const ids = this.stmt('select m.vector_id from search_category_rows c join search_vector_rows m on m.paper_rowid = c.paper_rowid where c.category = ?')
          .pluck()
          .all(category) as number[];
        const wanted = Math.max(MIN_CANDIDATES, k * RESCORE_FACTOR);
        const near = this.passing(this.rescore(vector, model, codes.nearestAmong(query, ids, wanted)), this.whereByRowid(filters, 'p.rowid'), k);
        // Fewer than k left by the other filters from part of the category: the exact ranking below.
        if (near.length >= k || ids.length <= wanted) return near.map((r) => ({ paperId: r.id, score: r.score }));
      }
    }
    let near = codes.nearest(query, candidates);
    if (w.selective) {
      // Filters are checked on the candidates before they are rescored, through their papers'
      // rowids (search_vector_rows, migration 0305): most of a filtered search's 4,000 candidates
      // fail a date or has:code filter, and rescoring them cost more than the search.
      const wr = this.whereByRowid(filters, 'm.paper_rowid');
      near = this.stmt(`select m.vector_id from search_vector_rows m where m.vector_id in (select value from json_each(?)) and ${wr.sql}`)
        .pluck()
        .all(JSON.stringify(near), ...wr.params) as number[];
    }
    const rows = this.passing(this.rescore(vector, model, near), this.whereByRowid(filters, 'p.rowid'), k);
    if (rows.length < k && w.selective) {
      // A narrow filter left too few of the global candidates: rank the filtered papers exactly
      // (on their int8 copies). With a category, its papers are read through the category index
      // (CROSS JOIN fixes that order): left to itself SQLite scanned every vector (1M papers,
      // cat:math.NT: 9-20 s).
      const category = filters.categories?.[0];
      const from = category ? 'paper_categories c0 cross join papers p on p.id = c0.paper_id cross join' : 'papers p join';
      const all = this.stmt(
        `select p.id, v.vec from ${from} search_vector_int8 v on v.paper_id = p.id
         where ${category ? 'c0.category = ? and ' : ''}v.model = ? and ${w.sql}`,
      )
        .raw()
        .all(...(category ? [category] : []), model.name, ...w.params) as Array<[string, Buffer]>;
      const exact = all.map(([id, v]) => ({ paperId: id, score: cosineInt8(vector, v) }));
      return exact.sort((a, b) => b.score - a.score).slice(0, k);
    }
    return rows.map((r) => ({ paperId: r.id, score: r.score }));
  }

  /** Candidates (vector ids) with their cosine to `vector` from the int8 copies, best first. */
  private rescore(vector: Float32Array, model: VectorModel, ids: number[]): Array<{ id: string; score: number }> {
    // In id order, so the B-tree is walked forwards once rather than jumped about.
    const sorted = Float64Array.from(ids).sort();
    const rows = this.stmt('select paper_id, vec from search_vector_int8 where id in (select value from json_each(?)) and model = ?')
      .raw()
      .all(JSON.stringify(Array.from(sorted)), model.name) as Array<[string, Buffer]>;
    return rows.map(([id, v]) => ({ id, score: cosineInt8(vector, v) })).sort((a, b) => b.score - a.score);
  }

  /**
   * The first k rescored papers that pass the filters, checked in order and in growing batches:
   * without filters nearly every paper passes and only the first k+20 are looked up. The filters
   * are tested on the papers' rowids (whereByRowid), found in the id index: no papers row is read.
   */
  private passing(rows: Array<{ id: string; score: number }>, w: { sql: string; params: Params }, k: number): Array<{ id: string; score: number }> {
    const out: Array<{ id: string; score: number }> = [];
    const check = this.stmt(`select p.id from papers p where p.id in (select value from json_each(?)) and ${w.sql}`).pluck();
    for (let from = 0, size = k + 20; from < rows.length && out.length < k; from += size, size *= 4) {
      const batch = rows.slice(from, from + size);
      const shown = new Set(check.all(JSON.stringify(batch.map((r) => r.id)), ...w.params) as string[]);
      for (const r of batch) if (shown.has(r.id) && out.length < k) out.push(r);
    }
    return out;
  }

  async vectorExact(vector: Float32Array, model: VectorModel, k: number): Promise<IndexHit[]> {
    loadVectorExtension(this.db);
    const rows = this.stmt(`select paper_id id, vec_distance_cosine(vec, ?) d from search_vectors where model = ? order by d limit ?`).all(blob(vector), model.name, k) as Array<{
      id: string;
      d: number;
    }>;
    return rows.map((r) => ({ paperId: r.id, score: 1 - r.d }));
  }

  async upsertVectors(records: VectorRecord[], model: VectorModel, now: string): Promise<void> {
    if (!records.length) return;
    loadVectorExtension(this.db);
    // Delete and insert rather than update: a new vector gets a new id, so that every process's
    // in-memory codes pick it up by reading ids above the last one they saw.
    const remove = this.stmt('delete from search_vectors where paper_id = ?');
    const insert = this.stmt('insert into search_vectors(paper_id, model, dims, vec) values (?, ?, ?, ?)');
    const bits = this.stmt('insert into search_vector_bits(id, dims, bits) values (?, ?, vec_quantize_binary(?))');
    const int8 = this.stmt('insert into search_vector_int8(id, paper_id, model, vec) values (?, ?, ?, ?)');
    const state = this.stmt(
      `insert into embedding_state(paper_id, model, dims, embedded_at) values (?, ?, ?, ?)
       on conflict(paper_id) do update set model = excluded.model, dims = excluded.dims, embedded_at = excluded.embedded_at`,
    );
    const exists = this.stmt('select 1 from papers where id = ?');
    this.db.transaction(() => {
      for (const r of records) {
        if (r.vector.length !== model.dims) throw new Error(`vector of ${r.vector.length} dims for model ${model.name} (${model.dims})`);
        if (!exists.get(r.paperId)) continue; // removed while it was being embedded
        const b = blob(r.vector);
        remove.run(r.paperId);
        const id = insert.run(r.paperId, model.name, model.dims, b).lastInsertRowid;
        bits.run(id, model.dims, b);
        int8.run(id, r.paperId, model.name, quantizeInt8(r.vector));
        state.run(r.paperId, model.name, model.dims, now);
      }
    })();
  }

  async vectorOf(paperId: string, model: VectorModel): Promise<Float32Array | undefined> {
    const row = this.stmt('select vec from search_vectors where paper_id = ? and model = ?').get(paperId, model.name) as { vec: Buffer } | undefined;
    if (!row) return undefined;
    return new Float32Array(row.vec.buffer.slice(row.vec.byteOffset, row.vec.byteOffset + row.vec.byteLength));
  }

  async pendingForEmbedding(model: VectorModel, limit: number): Promise<Array<{ paperId: string; text: string }>> {
    const rows = this.stmt(
      `select p.id, p.title, p.abstract from papers p where p.hidden = 0
       and not exists (select 1 from embedding_state e where e.paper_id = p.id and e.model = ?)
       order by p.published_at desc limit ?`,
    ).all(model.name, limit) as Array<{ id: string; title: string; abstract: string }>;
    return rows.map((r) => ({ paperId: r.id, text: `${r.title}. ${r.abstract}` }));
  }

  async vectorCoverage(model: VectorModel): Promise<{ embedded: number; total: number }> {
    // Whole-table counts (SQLite counts a table's pages without reading its rows) less the few rows
    // of other models and the hidden papers, found by index (migration 0305): counting the matching
    // rows themselves read every papers row (1M papers: 1.7 s) or a million index entries.
    const embedded = this.stmt(
      `select (select count(*) from embedding_state) - (select count(*) from embedding_state where model < ?) - (select count(*) from embedding_state where model > ?)`,
    )
      .pluck()
      .get(model.name, model.name) as number;
    const total = this.stmt('select (select count(*) from search_filter_rows) - (select count(*) from search_filter_rows where hidden = 1)').pluck().get() as number;
    return { embedded, total };
  }

  async suggestTitles(q: TextQuery, limit: number): Promise<Array<{ paperId: string; title: string }>> {
    const match = compileTitlePrefix(q);
    if (!match) return [];
    // Every keystroke asks: the same rank window as keyword search (from the newest papers' index
    // when it holds the window) keeps a short prefix fast.
    const ranked = this.inWindowOrder(
      (table) =>
        this.stmt(
          `select f.rowid, f.s, f.n, p.id, p.title, p.hidden from (select rowid, s, count(*) over () n from (select rowid, rank s from ${table} where ${table} match ? order by rowid desc limit ${this.rankWindow}) order by s limit ?) f
           join papers p on p.rowid = f.rowid order by f.s`,
        ).all(match, limit + 5) as Array<{ n: number; id: string; title: string; hidden: number }>,
      this.rankWindow,
      match,
    );
    const rows = ranked.filter((r) => !r.hidden);
    return rows.slice(0, limit).map((r) => ({ paperId: r.id, title: r.title }));
  }

  async spellingCandidates(word: string, limit: number): Promise<Array<{ term: string; docs: number }>> {
    if (word.length < 3) return [];
    // Words sharing the first letter: typos rarely hit the first one, and the range keeps it fast.
    const lo = word[0];
    const hi = String.fromCodePoint(lo.codePointAt(0)! + 1);
    const rows = this.stmt('select term, doc from papers_fts_vocab where term >= ? and term < ? and length(term) between ? and ?').all(
      lo,
      hi,
      Math.max(1, word.length - 3),
      word.length + 2,
    ) as Array<{ term: string; doc: number }>;
    return rows
      .map((r) => ({ term: r.term, docs: r.doc }))
      .sort((a, b) => b.docs - a.docs)
      .slice(0, limit);
  }

  async documentFrequency(word: string): Promise<number> {
    const match = compileMatch({ terms: [word], phrases: [], excluded: [], authors: [] });
    if (!match) return 0;
    return (this.stmt('select count(*) n from (select rowid from papers_fts where papers_fts match ? limit 1000)').get(match) as { n: number }).n;
  }

  async pruneVectors(): Promise<number> {
    // Codes of removed vectors go with them (trigger); what remains is the in-memory cache, rebuilt here.
    const dropped = this.codes ? this.codes.size - (this.db.prepare('select count(*) n from search_vector_bits').get() as { n: number }).n : 0;
    this.codes = undefined;
    return Math.max(0, dropped);
  }

  async maintain(): Promise<Record<string, number>> {
    const done = maintainRecentIndex(this.db);
    this.recentChecked.at = 0;
    // A trim changes the recent index's counts at once; other processes' kept counts age out.
    if (done.trimmed) this.phraseCounts?.clear();
    return done;
  }

  async rebuild(): Promise<void> {
    this.db.exec(`insert into papers_fts(papers_fts) values ('rebuild')`);
    this.db.exec(`insert into papers_fts(papers_fts) values ('optimize')`);
  }

  async sizes(): Promise<Record<string, number>> {
    try {
      const rows = this.db.prepare(`select name, sum(pgsize) bytes from dbstat group by name`).all() as Array<{ name: string; bytes: number }>;
      const sum = (pred: (n: string) => boolean) => rows.filter((r) => pred(r.name)).reduce((s, r) => s + r.bytes, 0);
      return {
        fullText: sum((n) => n.startsWith('papers_fts') && !n.startsWith('papers_fts_recent')),
        recentText: sum((n) => n.startsWith('papers_fts_recent')),
        vectors: sum((n) => n === 'search_vectors' || n.startsWith('sqlite_autoindex_search_vectors')),
        quantized: sum((n) => n === 'search_vector_bits'),
        int8: sum((n) => n.startsWith('search_vector_int8')),
        papers: sum((n) => n === 'papers' || n.startsWith('sqlite_autoindex_papers') || n.startsWith('papers_')) - sum((n) => n.startsWith('papers_fts')),
        database: rows.reduce((s, r) => s + r.bytes, 0),
      };
    } catch {
      return {};
    }
  }
}

registerSearchIndex('sqlite', (ctx: AppContext) => {
  if (!ctx.store.sqlite) throw new Error('SQLite store without a raw handle');
  return new SqliteSearchIndex(ctx.store.sqlite, RANK_WINDOW, true, { dataDir: ctx.config.PAPERBOY_DATA_DIR });
});
