// The PostgreSQL search index: tsvector with weighted fields and a GIN index for words (ts_rank
// with title > authors > abstract weights, in the configured language), pgvector with an HNSW index
// (cosine) for vectors. The same engine-neutral interface as SQLite's, so fusion, highlighting and
// everything above stay one codebase. Queries go straight to the pool with bound parameters; every
// user token reaches PostgreSQL as a quoted lexeme inside one parameter (./tsquery.ts).
import type pg from 'pg';
import type { AppContext } from '../../context.js';
import { createVectorTable } from '../../store/migrations/0600_search_postgres.js';
import { searchRowValues, tsvFunction } from '../../store/migrations/0601_search_postgres_titles.js';
import { signGraph, signsOf, vectorIndexSql } from '../../store/migrations/0602_search_postgres_vector_bits.js';
import { inlineVectorsSql } from '../../store/migrations/0604_search_postgres_inline_vectors.js';
import { registerSearchIndex, type IndexFilters, type IndexHit, type IndexSort, type KeywordPage, type SearchIndex, type VectorModel, type VectorRecord } from '../index.js';
import type { TextQuery } from '../query.js';
import { compileExcluded, compileTitlePrefix, compileTsquery, compileWord } from './tsquery.js';

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const vectorText = (v: Float32Array) => `[${Array.from(v).join(',')}]`;
const parseVector = (text: string) => Float32Array.from(JSON.parse(text) as number[]);
/**
 * A query vector as a binary parameter (pgvector's wire format: dimensions, a reserved int16,
 * big-endian float4s): printing 512 floats as text and parsing them back costs more than the rest.
 */
export function vectorParam(v: Float32Array): Buffer {
  const b = Buffer.allocUnsafe(4 + 4 * v.length);
  b.writeInt16BE(v.length, 0);
  b.writeInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) b.writeFloatBE(v[i]!, 4 + 4 * i);
  return b;
}

/** ts_rank weights {D, C, B, A}: abstract 1, authors 4, title 10 (the SQLite index's BM25 weights). */
const RANK_WEIGHTS = '{0, 0.1, 0.4, 1.0}';
/**
 * A broad query ranks at most this many of its newest title matches (rankWords). At 1,000,000
 * papers each one costs a walk step and a wide row read: 1,000 gave keyword p95 86 ms in session 2,
 * 300 is what bench/results/postgres.md measures now (a narrower choice of old papers for the
 * broadest words, stated in the test).
 */
export const RANKED_TITLE_MATCHES = 300;
/** …and this many papers matching anywhere (the first counted), for words that seldom meet in a title. */
export const RANKED_ANY_MATCHES = 200;
/**
 * Candidates a vector query takes from the HNSW graph over the vectors' signs (migration 0602) and
 * re-ranks by exact cosine distance: at least this many, or four times the list asked for. The
 * signs only tell near from far; the re-ranking orders the near ones. Measured at 1,000,000 papers
 * in bench/results/postgres.md (recall@20 against an exact scan, by candidates).
 */
export const RERANKED_CANDIDATES = 400;
/** pgvector's ceiling for hnsw.ef_search; the iterative scan goes on past it when a query asks for more. */
const MAX_EF_SEARCH = 1000;
/** Past this many papers, vector coverage is recounted in the background (vectorCoverage). */
const LARGE_STORE = 100_000;
const COVERAGE_MAX_AGE_MS = 60_000;
/** How old the did-you-mean vocabulary may get before it is recounted in the background. */
const TERMS_MAX_AGE_MS = 24 * 3_600_000;

/** True when a filter narrows the papers searched (excluding given papers does not). */
const selective = (f: IndexFilters) => !!(f.categories?.length || f.after || f.since || f.before || f.hasCode || compileExcluded(f.excluded));

/** Builds parameter lists: each value gets the next $n. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export class PostgresSearchIndex implements SearchIndex {
  private language?: string;
  private vectorsReady?: Promise<boolean>;
  /** pgvector 0.8 walks the graph further when filters drop candidates (hnsw.iterative_scan). */
  private iterativeScan = false;
  /** The pgvector version, which decides the vector index (migration 0602's signGraph). */
  private pgvector: string | null = null;
  private readonly hnswReady = new Map<number, Promise<void>>();
  private termsRefresh?: Promise<void>;
  private readonly coverage = new Map<string, { at: number; value: { embedded: number; total: number }; refreshing?: Promise<void> }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ctx: Pick<AppContext, 'config' | 'log'>,
    /** Sizes where large-store behaviour starts (small in tests, to reach those paths with few papers). */
    private readonly ranked = { titleMatches: RANKED_TITLE_MATCHES, anyMatches: RANKED_ANY_MATCHES, largeStore: LARGE_STORE },
  ) {}

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  /** The language the stored tsvectors were made in (queries must use the same). */
  private async lang(): Promise<string> {
    if (!this.language) {
      const [row] = await this.query<{ value: string }>(`select value from meta where key = 'search.language'`);
      const stored = row?.value ?? 'english';
      // It is spliced into SQL as a regconfig literal: only a plain configuration name may pass.
      if (!/^[a-z_]+$/.test(stored)) throw new Error(`bad search.language in meta: ${JSON.stringify(stored)}`);
      this.language = stored;
      if (this.language !== this.ctx.config.PAPERBOY_SEARCH_LANGUAGE) {
        this.ctx.log.warn(
          { indexed: this.language, configured: this.ctx.config.PAPERBOY_SEARCH_LANGUAGE },
          'the full-text index is in another language than PAPERBOY_SEARCH_LANGUAGE; run `paperboy search reindex`',
        );
      }
    }
    return this.language;
  }

  /** SQL conditions over `papers p` for the filters. */
  private async where(f: IndexFilters, params: Params): Promise<{ sql: string }> {
    const parts = ['p.hidden = 0'];
    for (const c of f.categories ?? []) parts.push(`exists (select 1 from paper_categories c where c.paper_id = p.id and c.category = ${params.add(c)})`);
    const after = [f.after, f.since].filter(Boolean).sort().pop();
    if (after) parts.push(`p.published_at >= ${params.add(after)}`);
    if (f.before) parts.push(`p.published_at < ${params.add(nextDay(f.before))}`);
    if (f.hasCode) parts.push(`(p.github_repo is not null or p.links like '%"code":["%')`);
    if (f.excludeIds?.length) parts.push(`p.id <> all(${params.add(f.excludeIds)}::text[])`);
    const excluded = compileExcluded(f.excluded);
    if (excluded) {
      const lang = await this.lang();
      parts.push(`not exists (select 1 from paper_search x where x.paper_id = p.id and x.tsv @@ to_tsquery('${lang}', ${params.add(excluded)}))`);
    }
    return { sql: parts.join(' and ') };
  }

  private order(sort: IndexSort, relevance: string): { join: string; by: string } {
    if (sort === 'date') return { join: '', by: 'p.published_at desc, p.id' };
    if (sort === 'trending') return { join: 'left join trending_scores t on t.paper_id = p.id', by: `coalesce(t.score, 0) desc, ${relevance}` };
    return { join: '', by: relevance };
  }

  async keyword(q: TextQuery, filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage> {
    const text = compileTsquery(q);
    if (!text) return this.browse({ ...filters, excluded: [...(filters.excluded ?? []), ...q.excluded] }, o);
    const lang = await this.lang();
    const cap = o.countCap ?? 10_000;
    const params = new Params();
    const tsq = `to_tsquery('${lang}', ${params.add(text)})`;
    const window = Math.max(this.ranked.titleMatches, o.offset + o.limit);
    const hitsOf = (rows: Array<{ id: string; rank: number }>) => rows.map((r) => ({ paperId: r.id, score: Number(r.rank) }));
    if (o.sort === 'relevance' && !selective(filters) && !q.excluded.length && !q.authors.length) {
      // Words only (the common case): counted and ranked in one statement (rankWords).
      const ranked = await this.rankWords(tsq, this.visible('s', filters, params), params.values, window, Math.max(cap, window) + 1, o);
      return { hits: hitsOf(ranked.rows), total: Math.min(ranked.matches, cap), capped: ranked.matches > cap };
    }
    const w = await this.where(filters, params);
    const base = params.values.length;
    const [count] = await this.query<{ n: number }>(
      `select count(*)::int as n from (select 1 from paper_search s join papers p on p.id = s.paper_id
       where s.tsv @@ ${tsq} and ${w.sql} limit $${base + 1}) x`,
      [...params.values, Math.max(cap, window) + 1],
    );
    const total = count?.n ?? 0;
    const rows = await this.rankAll(tsq, w.sql, params.values, o);
    return { hits: hitsOf(rows), total: Math.min(total, cap), capped: total > cap };
  }

  /**
   * The condition that a paper_search row (`alias`) is listed when no filter applies: its paper is
   * not hidden (a probe of the small partial index of hidden papers, migration 0603, instead of a
   * read of every matching papers row) and not one of the papers left out.
   */
  private visible(alias: string, f: IndexFilters, params: Params): string {
    const parts = [`not exists (select 1 from papers h where h.id = ${alias}.paper_id and h.hidden <> 0)`];
    if (f.excludeIds?.length) parts.push(`${alias}.paper_id <> all(${params.add(f.excludeIds)}::text[])`);
    return parts.join(' and ');
  }

  /**
   * A query of words only, in one statement that reads each matching row at most twice (the second
   * time from shared buffers): its matches are counted up to `countTo`; while they number at most
   * `window` they are all ranked (exact). Past that the query is broad, and ranking every match
   * would read every matching tsvector (a common word matches a fifth of a million papers). Title
   * words weigh ten times abstract words, so the best matches are title matches: a broad query ranks
   * its `window` newest title matches (an index-only walk down paper_search_published, skipped for
   * the others) and the first few hundred matches counted, for words that seldom meet in a title.
   * Exact whenever the title matches number at most `window`; beyond that, older title matches of a
   * very common word are not ranked.
   */
  private async rankWords(tsq: string, visible: string, values: unknown[], window: number, countTo: number, o: { limit: number; offset: number }) {
    const base = values.length;
    const [countLimit, windowParam, anyLimit, limit, offset] = [1, 2, 3, 4, 5].map((i) => `$${base + i}`);
    const rows = await this.query<{ matches: number; id: string | null; rank: number }>(
      `with m as materialized (select s.paper_id, row_number() over () as n from paper_search s where s.tsv @@ ${tsq} and ${visible} limit ${countLimit}),
            c as (select count(*)::int as n from m),
            candidates as (
              select m.paper_id from m where m.n <= greatest(${anyLimit}, case when (select n from c) <= ${windowParam} then ${windowParam} else 0 end)
              union
              (select s.paper_id from paper_search s where (select n from c) > ${windowParam} and s.title_tsv @@ ${tsq}
               order by s.published_at desc limit ${windowParam}))
       select c.n as matches, r.id, r.rank from c left join lateral (
         select s.paper_id as id, ts_rank('${RANK_WEIGHTS}', s.tsv, ${tsq}, 1) as rank
         from candidates join paper_search s on s.paper_id = candidates.paper_id
         where ${visible}
         order by rank desc, s.paper_id limit ${limit} offset ${offset}) r on true`,
      [...values, countTo, window, Math.max(this.ranked.anyMatches, o.offset + o.limit), o.limit, o.offset],
    );
    return { matches: rows[0]?.matches ?? 0, rows: rows.filter((r): r is { matches: number; id: string; rank: number } => r.id !== null) };
  }

  /** Every match ranked: exact, and cheap while matches are few (or the order is not relevance). */
  private rankAll(tsq: string, where: string, values: unknown[], o: { limit: number; offset: number; sort: IndexSort }) {
    const ord = this.order(o.sort, 'rank desc, p.id');
    const base = values.length;
    return this.query<{ id: string; rank: number }>(
      `select p.id, ts_rank('${RANK_WEIGHTS}', s.tsv, q.q, 1) as rank
       from (select ${tsq} as q) q, paper_search s join papers p on p.id = s.paper_id ${ord.join}
       where s.tsv @@ q.q and ${where}
       order by ${ord.by} limit $${base + 1} offset $${base + 2}`,
      [...values, o.limit, o.offset],
    );
  }

  async browse(filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage> {
    const cap = o.countCap ?? 10_000;
    const params = new Params();
    const w = await this.where(filters, params);
    const ord = this.order(o.sort === 'relevance' ? 'date' : o.sort, 'p.published_at desc, p.id');
    const base = params.values.length;
    const rows = await this.query<{ id: string }>(
      `select p.id from papers p ${ord.join} where ${w.sql} order by ${ord.by} limit $${base + 1} offset $${base + 2}`,
      [...params.values, o.limit, o.offset],
    );
    const [count] = await this.query<{ n: number }>(`select count(*)::int as n from (select 1 from papers p where ${w.sql} limit $${base + 1}) x`, [...params.values, cap + 1]);
    const total = count?.n ?? 0;
    return { hits: rows.map((r, i) => ({ paperId: r.id, score: -(o.offset + i) })), total: Math.min(total, cap), capped: total > cap };
  }

  /** True when the vector table exists (made now if the server has pgvector and it was missing). */
  private vectorsAvailable(): Promise<boolean> {
    this.vectorsReady ??= (async () => {
      const [row] = await this.query<{ ok: boolean; version: string | null }>(
        `select to_regclass('search_vectors') is not null as ok, (select extversion from pg_extension where extname = 'vector') as version`,
      );
      const [major = 0, minor = 0] = (row?.version ?? '0.0').split('.').map(Number);
      this.iterativeScan = major > 0 || minor >= 8;
      this.pgvector = row?.version ?? null;
      if (row?.ok) return true;
      const { Kysely, PostgresDialect } = await import('kysely');
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: this.pool }) });
      const made = await createVectorTable(db).catch(() => false);
      if (made) await this.query(inlineVectorsSql);
      if (made) this.pgvector = (await this.query<{ v: string | null }>(`select extversion as v from pg_extension where extname = 'vector'`))[0]?.v ?? null;
      if (!made) this.ctx.log.warn('pgvector is not available on this PostgreSQL server: search runs on full text only (docs/deploy.md)');
      return made;
    })();
    return this.vectorsReady;
  }

  /** The vector index for one dimension (0602); built once (CONCURRENTLY would not fit in a transaction). */
  private ensureHnsw(dims: number): Promise<void> {
    let ready = this.hnswReady.get(dims);
    if (!ready) {
      ready = (async () => {
        const client = await this.pool.connect();
        try {
          // One process builds it; the others wait for the lock, then find it there.
          await client.query('begin');
          await client.query('select pg_advisory_xact_lock(727275)');
          await client.query(vectorIndexSql(dims, this.pgvector));
          await client.query('commit');
        } catch (err) {
          await client.query('rollback').catch(() => {});
          this.hnswReady.delete(dims);
          throw err;
        } finally {
          client.release();
        }
      })();
      this.hnswReady.set(dims, ready);
    }
    return ready;
  }

  /**
   * The k nearest papers passing the filters. With the graph over the signs (migration 0602),
   * `o.candidates` papers come from it and are re-ranked by their exact cosine distance; with the
   * float graph (small models, old pgvector) it answers directly and `o.candidates` is its walk
   * width (hnsw.ef_search).
   */
  async vector(vector: Float32Array, model: VectorModel, filters: IndexFilters, k: number, o: { candidates?: number } = {}): Promise<IndexHit[]> {
    if (k <= 0 || !(await this.vectorsAvailable())) return [];
    const dims = vector.length;
    await this.ensureHnsw(dims);
    const params = new Params();
    const q = params.add(vectorParam(vector));
    const m = params.add(model.name);
    // Without filters, hidden papers are dropped through their small index (as in rankWords) rather
    // than by reading each candidate's papers row.
    const filtered = selective(filters);
    const where = filtered ? (await this.where(filters, params)).sql : this.visible('v', filters, params);
    const from = filtered ? 'search_vectors v join papers p on p.id = v.paper_id' : 'search_vectors v';
    const kp = params.add(k);
    const distance = `v.vec::vector(${dims}) <=> ${q}::vector(${dims})`;
    const candidates = Math.max(k, Math.round(o.candidates ?? Math.max(RERANKED_CANDIDATES, 4 * k)));
    const approximate = signGraph(dims, this.pgvector)
      ? `select c.id, c.vec <=> ${q}::vector(${dims}) as d from (
           select v.paper_id as id, v.vec::vector(${dims}) as vec from ${from}
           where v.dims = ${dims} and v.model = ${m} and ${where}
           order by ${signsOf('v.vec', dims)} <~> binary_quantize(${q}::vector(${dims}))::bit(${dims}) limit ${candidates}) c
         order by d limit ${kp}`
      : `select v.paper_id as id, ${distance} as d from ${from}
         where v.dims = ${dims} and v.model = ${m} and ${where} order by ${distance} limit ${kp}`;
    const client = await this.pool.connect();
    try {
      // The walk keeps `candidates` neighbours (up to pgvector's ceiling); filters apply after it, and
      // the iterative scan walks on until enough rows pass them (or the query asks past the ceiling).
      // One round trip for the three statements: under load each wait for the server costs more
      // than the statement.
      await client.query(
        `begin; set local hnsw.ef_search = ${Math.min(MAX_EF_SEARCH, candidates)}${this.iterativeScan ? '; set local hnsw.iterative_scan = relaxed_order' : ''}`,
      );
      let rows = (await client.query<{ id: string; d: number }>(approximate, params.values)).rows;
      if (rows.length < k && filtered) {
        // A narrow filter: rank the filtered papers exactly instead.
        rows = (
          await client.query<{ id: string; d: number }>(
            `select v.paper_id as id, v.vec <=> ${q}::vector as d from ${from}
             where v.dims = ${dims} and v.model = ${m} and ${where} order by d limit ${kp}`,
            params.values,
          )
        ).rows;
      }
      await client.query('commit');
      // relaxed_order may return the float graph's neighbours slightly out of order: sort them by distance.
      return rows.sort((a, b) => a.d - b.d).map((r) => ({ paperId: r.id, score: 1 - r.d }));
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async vectorExact(vector: Float32Array, model: VectorModel, k: number): Promise<IndexHit[]> {
    if (!(await this.vectorsAvailable())) return [];
    // The uncast expression matches no index: a full scan, exact by construction.
    const rows = await this.query<{ id: string; d: number }>(
      `select paper_id as id, vec <=> $1::vector as d from search_vectors where model = $2 and dims = $3 order by d limit $4`,
      [vectorParam(vector), model.name, vector.length, k],
    );
    return rows.map((r) => ({ paperId: r.id, score: 1 - r.d }));
  }

  async upsertVectors(records: VectorRecord[], model: VectorModel, now: string): Promise<void> {
    if (!records.length || !(await this.vectorsAvailable())) return;
    for (const r of records) if (r.vector.length !== model.dims) throw new Error(`vector of ${r.vector.length} dims for model ${model.name} (${model.dims})`);
    await this.ensureHnsw(model.dims);
    const ids = records.map((r) => r.paperId);
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // Papers removed while they were being embedded are skipped by the join.
      await client.query(
        `insert into search_vectors(paper_id, model, dims, vec)
         select x.id, $3, $4, x.vec::vector from unnest($1::text[], $2::text[]) as x(id, vec) join papers p on p.id = x.id
         on conflict (paper_id) do update set model = excluded.model, dims = excluded.dims, vec = excluded.vec`,
        [ids, records.map((r) => vectorText(r.vector)), model.name, model.dims],
      );
      await client.query(
        `insert into embedding_state(paper_id, model, dims, embedded_at)
         select x.id, $2, $3, $4 from unnest($1::text[]) as x(id) join papers p on p.id = x.id
         on conflict (paper_id) do update set model = excluded.model, dims = excluded.dims, embedded_at = excluded.embedded_at`,
        [ids, model.name, model.dims, now],
      );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async vectorOf(paperId: string, model: VectorModel): Promise<Float32Array | undefined> {
    if (!(await this.vectorsAvailable())) return undefined;
    const [row] = await this.query<{ vec: string }>(`select vec::text as vec from search_vectors where paper_id = $1 and model = $2`, [paperId, model.name]);
    return row ? parseVector(row.vec) : undefined;
  }

  async pendingForEmbedding(model: VectorModel, limit: number): Promise<Array<{ paperId: string; text: string }>> {
    if (!(await this.vectorsAvailable())) return [];
    const rows = await this.query<{ id: string; title: string; abstract: string }>(
      `select p.id, p.title, p.abstract from papers p where p.hidden = 0
       and not exists (select 1 from embedding_state e where e.paper_id = p.id and e.model = $1)
       order by p.published_at desc limit $2`,
      [model.name, limit],
    );
    return rows.map((r) => ({ paperId: r.id, text: `${r.title}. ${r.abstract}` }));
  }

  /**
   * Counted exactly on a small store. On a large one that has vectors, the last count is answered
   * at once and recounted in the background when a minute old: counting a million papers and
   * vectors takes seconds, and the figure only feeds a "covers X of Y" notice by then.
   */
  async vectorCoverage(model: VectorModel): Promise<{ embedded: number; total: number }> {
    const last = this.coverage.get(model.name);
    if (last && last.value.embedded > 0 && last.value.total > this.ranked.largeStore) {
      if (Date.now() - last.at > COVERAGE_MAX_AGE_MS && !last.refreshing) {
        last.refreshing = this.countCoverage(model)
          .then((value) => void this.coverage.set(model.name, { at: Date.now(), value }))
          .catch((err) => void this.ctx.log.warn({ err }, 'could not recount vector coverage'))
          .finally(() => (last.refreshing = undefined));
      }
      return last.value;
    }
    const value = await this.countCoverage(model);
    this.coverage.set(model.name, { at: Date.now(), value });
    return value;
  }

  private async countCoverage(model: VectorModel): Promise<{ embedded: number; total: number }> {
    const [row] = await this.query<{ embedded: number; total: number }>(
      `select (select count(*)::int from embedding_state where model = $1) as embedded, (select count(*)::int from papers where hidden = 0) as total`,
      [model.name],
    );
    return { embedded: row?.embedded ?? 0, total: row?.total ?? 0 };
  }

  async suggestTitles(q: TextQuery, limit: number): Promise<Array<{ paperId: string; title: string }>> {
    const text = compileTitlePrefix(q);
    if (!text) return [];
    const lang = await this.lang();
    // A short prefix matches a great many papers: rank a bounded sample of the matches, as a
    // suggestion list only needs a few good titles quickly.
    const rows = await this.query<{ id: string; title: string }>(
      `with m as (select s.paper_id, ts_rank('${RANK_WEIGHTS}', s.tsv, q.q) as rank
                  from (select to_tsquery('${lang}', $1) as q) q, paper_search s where s.tsv @@ q.q limit 2000)
       select p.id, p.title from m join papers p on p.id = m.paper_id where p.hidden = 0 order by m.rank desc, p.id limit $2`,
      [text, limit],
    );
    return rows.map((r) => ({ paperId: r.id, title: r.title }));
  }

  async spellingCandidates(word: string, limit: number): Promise<Array<{ term: string; docs: number }>> {
    if (word.length < 3) return [];
    await this.freshTerms();
    // Words sharing the first letter: typos rarely hit the first one, and the range keeps it fast.
    const lo = word[0]!;
    const hi = String.fromCodePoint(lo.codePointAt(0)! + 1);
    const rows = await this.query<{ term: string; docs: number }>(
      `select term, docs from search_terms where term >= $1 and term < $2 and length(term) between $3 and $4 order by docs desc limit $5`,
      [lo, hi, Math.max(1, word.length - 3), word.length + 2, limit],
    );
    return rows;
  }

  /**
   * The vocabulary for did-you-mean, counted with ts_stat over the whole index. Counted inline the
   * first time on a small store; on a large one, and when it is a day old, recounted in the
   * background by one process at a time (the others keep answering from the last count).
   */
  private async freshTerms(): Promise<void> {
    const [state] = await this.query<{ at: string | null; papers: number }>(
      `select (select value from meta where key = 'search.terms_at') as at, (select count(*)::int from (select 1 from paper_search limit 50001) x) as papers`,
    );
    const age = state?.at ? Date.now() - Date.parse(state.at) : Infinity;
    if (age < TERMS_MAX_AGE_MS) return;
    this.termsRefresh ??= this.refreshTerms().finally(() => (this.termsRefresh = undefined));
    if (!state?.at && (state?.papers ?? 0) <= 50_000) await this.termsRefresh;
    else this.termsRefresh.catch((err) => this.ctx.log.warn({ err }, 'could not recount the search vocabulary'));
  }

  private async refreshTerms(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const [lock] = (await client.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(727276) as ok')).rows;
      if (!lock?.ok) {
        await client.query('rollback');
        return;
      }
      await client.query('delete from search_terms');
      await client.query(`insert into search_terms(term, docs) select word, ndoc from ts_stat('select tsv from paper_search')`);
      await client.query(
        `insert into meta(key, value) values ('search.terms_at', $1) on conflict (key) do update set value = excluded.value`,
        [new Date().toISOString()],
      );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async documentFrequency(word: string): Promise<number> {
    const lang = await this.lang();
    const [row] = await this.query<{ n: number }>(
      `select count(*)::int as n from (select 1 from paper_search where tsv @@ to_tsquery('${lang}', $1) limit 1000) x`,
      [compileWord(word)],
    );
    return row?.n ?? 0;
  }

  async pruneVectors(): Promise<number> {
    return 0; // vectors of removed papers go with them (foreign key, on delete cascade)
  }

  /** Recomputes every paper's tsvector, in PAPERBOY_SEARCH_LANGUAGE (which may have changed). */
  async rebuild(): Promise<void> {
    const lang = this.ctx.config.PAPERBOY_SEARCH_LANGUAGE;
    const [known] = await this.query<{ ok: boolean }>(`select exists (select 1 from pg_ts_config where cfgname = $1) as ok`, [lang]);
    if (!known?.ok) throw new Error(`PostgreSQL has no text-search configuration "${lang}" (see \\dF in psql)`);
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(tsvFunction(lang));
      await client.query(
        `insert into paper_search(paper_id, tsv, title_tsv, published_at) select id, ${searchRowValues(lang)} from papers
         on conflict (paper_id) do update set tsv = excluded.tsv, title_tsv = excluded.title_tsv, published_at = excluded.published_at`,
      );
      await client.query(`delete from paper_search s where not exists (select 1 from papers p where p.id = s.paper_id)`);
      await client.query(`insert into meta(key, value) values ('search.language', $1) on conflict (key) do update set value = excluded.value`, [lang]);
      await client.query(`delete from meta where key = 'search.terms_at'`);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    this.language = lang;
  }

  async sizes(): Promise<Record<string, number>> {
    const [row] = await this.query<Record<string, number>>(
      `select pg_total_relation_size('paper_search')::float8 as "fullText",
              coalesce(pg_total_relation_size(to_regclass('search_vectors')), 0)::float8 as vectors,
              pg_total_relation_size('papers')::float8 as papers,
              pg_database_size(current_database())::float8 as database`,
    );
    return row ?? {};
  }
}

registerSearchIndex('postgres', (ctx: AppContext) => {
  if (!ctx.store.pool) throw new Error('PostgreSQL store without a pool');
  return new PostgresSearchIndex(ctx.store.pool, ctx);
});
