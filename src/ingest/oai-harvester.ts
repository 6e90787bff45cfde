// Incremental OAI-PMH harvesting of arXiv: ListRecords pages (fetch -> parse -> normalise -> store),
// each page stored in one transaction together with the cursor, so an interrupted harvest resumes at
// the page it was on and a daily run asks only for what changed since the last one.
//
// The cursor (harvest_cursors, one row per format and set):
//   resumption_token  the next page of the harvest in progress; null when none is in progress
//   started_from      the `from` of the harvest in progress (a badResumptionToken restarts there)
//   datestamp         the highest record datestamp stored; with no harvest in progress it is the next
//                     run's `from` (inclusive: that day is asked again, and re-storing is a no-op)
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import { AppError } from '../errors.js';
import { getCursor, type HarvestCursor, saveCursor } from '../store/ingest.js';
import { arxivGet } from './http.js';
import { type OaiFormat, type OaiPage, parseOai } from './oai.js';
import { BatchWriter, type IngestTally } from './writer.js';

export interface HarvestOptions {
  /** OAI set, e.g. cs, math, physics:hep-th; all of arXiv when absent. */
  set?: string;
  /** YYYY-MM-DD; default: the cursor's datestamp. Required for the first harvest of a set. */
  from?: string;
  until?: string;
  format?: OaiFormat;
  /** Stop at the first refused record. */
  strict?: boolean;
  onPage?: (tally: HarvestSummary) => void;
  /** Stops between pages (the cursor is saved after each page, so the next run resumes). */
  signal?: AbortSignal;
}

export interface HarvestSummary extends IngestTally {
  pages: number;
  deleted: number;
  from: string;
  resumed: boolean;
  restarts: number;
  /** noRecordsMatch: nothing changed since `from`. */
  nothingNew: boolean;
  datestamp: string | null;
  stoppedAt?: { location: string; message: string };
  firstProblems: Array<{ location: string; message: string }>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RESTARTS = 3;

export const cursorSource = (format: OaiFormat, set?: string) => `oai:${format}:${set || '*'}`;

export async function harvestOai(ctx: AppContext, options: HarvestOptions = {}): Promise<HarvestSummary> {
  const format = options.format ?? 'arXivRaw';
  if (options.from && !DAY.test(options.from)) throw new AppError('bad_request', `--from must be YYYY-MM-DD, not ${options.from}`);
  if (options.until && !DAY.test(options.until)) throw new AppError('bad_request', `--until must be YYYY-MM-DD, not ${options.until}`);
  if (options.set && !/^[a-z-]+(:[a-zA-Z.-]+)*$/.test(options.set)) throw new AppError('bad_request', `not an OAI set: ${options.set}`);
  const source = cursorSource(format, options.set);
  const db = ctx.store.db;
  const saved = await getCursor(db, source);

  // Resume a harvest in progress when asked for the same thing (or nothing in particular).
  const resuming = !!saved?.resumptionToken && (!options.from || options.from === saved.startedFrom);
  const from = resuming ? saved!.startedFrom! : (options.from ?? saved?.datestamp ?? null);
  if (!from) throw new AppError('bad_request', `no earlier harvest of ${source}: give --from YYYY-MM-DD`);

  const cursor: HarvestCursor = {
    source,
    datestamp: saved?.datestamp ?? null,
    resumptionToken: resuming ? saved!.resumptionToken : null,
    startedFrom: from,
    updatedAt: ctx.clock.now().toISOString(),
  };
  const writer = new BatchWriter(ctx, Number.MAX_SAFE_INTEGER);
  const summary = (): HarvestSummary => ({
    ...writer.tally,
    pages,
    deleted,
    from,
    resumed: resuming,
    restarts,
    nothingNew,
    datestamp: cursor.datestamp,
    stoppedAt,
    firstProblems: writer.firstProblems,
  });
  let pages = 0;
  let deleted = 0;
  let restarts = 0;
  let nothingNew = false;
  let stoppedAt: HarvestSummary['stoppedAt'];

  const base = new URL(ctx.config.PAPERBOY_ARXIV_OAI_URL);
  for (;;) {
    if (options.signal?.aborted) throw new AppError('upstream', `harvest of ${source} interrupted after ${pages} pages; the next run resumes`);
    const url = new URL(base);
    url.searchParams.set('verb', 'ListRecords');
    if (cursor.resumptionToken) url.searchParams.set('resumptionToken', cursor.resumptionToken);
    else {
      url.searchParams.set('metadataPrefix', format);
      url.searchParams.set('from', from);
      if (options.until) url.searchParams.set('until', options.until);
      if (options.set) url.searchParams.set('set', options.set);
    }
    const where = url.toString();
    const answer = await arxivGet(ctx, where);
    let page: OaiPage;
    try {
      page = parseOai(answer.body);
    } catch (err) {
      throw new AppError('upstream', `GET ${where}: ${answer.status !== 200 ? `HTTP ${answer.status}` : (err as Error).message}`, { url: where });
    }
    if (page.error) {
      if (page.error.code === 'noRecordsMatch') {
        nothingNew = pages === 0;
        cursor.resumptionToken = null;
        cursor.updatedAt = ctx.clock.now().toISOString();
        await saveCursor(db, cursor);
        break;
      }
      if (page.error.code === 'badResumptionToken' && cursor.resumptionToken && restarts < MAX_RESTARTS) {
        // Tokens expire (daily): start the same harvest again from its `from`; re-stored pages are no-ops.
        ctx.log.warn({ url: where }, 'resumption token refused; restarting the harvest from its start');
        restarts++;
        cursor.resumptionToken = null;
        continue;
      }
      throw new AppError('upstream', `GET ${where}: OAI-PMH error ${page.error.code}: ${page.error.message}`, { url: where });
    }
    if (answer.status !== 200) throw new AppError('upstream', `GET ${where}: HTTP ${answer.status}`, { url: where });

    pages++;
    const requestToken = cursor.resumptionToken;
    let high = cursor.datestamp;
    for (const record of page.records) {
      if (record.deleted) {
        deleted++;
        continue;
      }
      const location = record.identifier || `record on page ${pages}`;
      if (record.result?.ok) {
        await writer.add(record.result.paper);
        if (record.datestamp && (!high || record.datestamp > high)) high = record.datestamp;
      } else {
        const message = record.result?.problem ?? 'unreadable record';
        writer.problem({ source: where, location, message });
        if (options.strict) {
          stoppedAt = { location, message };
          break;
        }
      }
    }
    // The page's papers, its problems and the cursor move together, or not at all.
    cursor.datestamp = high;
    cursor.resumptionToken = stoppedAt ? requestToken : page.resumptionToken;
    cursor.updatedAt = ctx.clock.now().toISOString();
    await writer.flush((trx) => saveCursor(trx, cursor));
    options.onPage?.(summary());
    if (stoppedAt || !page.resumptionToken) break;
  }
  if (!cursor.datestamp) {
    // Nothing stored yet: the next run starts where this one did.
    cursor.datestamp = from;
    await saveCursor(db, cursor);
  }
  return summary();
}

/** The `from` a daily run will use: the cursor's datestamp, or yesterday for a first run. */
export async function nextFrom(ctx: AppContext, format: OaiFormat, set?: string): Promise<string> {
  const saved = await getCursor(ctx.store.db, cursorSource(format, set));
  return saved?.datestamp ?? dayOf(new Date(ctx.clock.now().getTime() - 86_400_000));
}
