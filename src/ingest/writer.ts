// The "store" stage: papers and problems are written in batches, each batch in one transaction, so
// a killed process loses at most the batch in flight and a re-run upserts the rest without
// duplicates. With `writeThrough` on SQLite (the snapshot import), papers go into the batch's open
// transaction in groups of a few hundred as they arrive instead of waiting in memory for the batch
// to fill: the import's heap then holds a group, not thousands of records, and its garbage dies
// young. (One paper at a time cost more CPU: SQLite's inserts then alternate with parsing the next
// record and lose what they had in the CPU caches.)
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';
import { type PaperInput, type UpsertResult, upsertPapers } from '../store/papers.js';
import { type IngestProblem, recordProblems } from '../store/ingest.js';

export interface IngestTally {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  problems: number;
}

export const emptyTally = (): IngestTally => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, problems: 0 });

// A broken file can hold millions of bad lines; the first ones tell the story, the count tells the rest.
const MAX_STORED_PROBLEMS = 1000;
/** Papers written into the open transaction at a time in write-through mode. */
const WRITE_GROUP = 500;

type Extra = (trx: Transaction<Database>) => Promise<void>;

/** A transaction held open while a batch is written into it (write-through mode). */
interface OpenBatch {
  trx: Transaction<Database>;
  now: string;
  papers: number;
  /** Ends the transaction: commits after running `last` in it, or rolls back when `last` is an error. */
  end(last: Extra | Error): Promise<void>;
}

export interface BatchWriterOptions {
  /** Runs inside each batch's transaction after the papers are written (e.g. saving a cursor). */
  onCommit?: Extra;
  /**
   * Write papers into the batch's open transaction in groups as they arrive (SQLite only; elsewhere
   * the batch is buffered). The connection stays taken until the batch commits, so the caller must
   * end with flush() or, on failure, abort().
   */
  writeThrough?: boolean;
}

export class BatchWriter {
  readonly tally = emptyTally();
  /** The first problems of this run, for the CLI to show. */
  readonly firstProblems: IngestProblem[] = [];
  private papers: PaperInput[] = [];
  private problems: IngestProblem[] = [];
  private stored = 0;
  private open?: OpenBatch;
  private readonly onCommit?: Extra;
  private readonly writeThrough: boolean;

  constructor(
    private readonly ctx: AppContext,
    private readonly batchSize = 2000,
    options: BatchWriterOptions = {},
  ) {
    this.onCommit = options.onCommit;
    this.writeThrough = !!options.writeThrough && ctx.store.kind === 'sqlite';
  }

  async add(paper: PaperInput): Promise<void> {
    this.tally.read++;
    this.papers.push(paper);
    if (this.writeThrough && this.papers.length >= Math.min(WRITE_GROUP, this.batchSize)) {
      const open = await this.writeGroup();
      if (open.papers >= this.batchSize) await this.flush();
    } else if (this.papers.length >= this.batchSize) await this.flush();
  }

  problem(problem: IngestProblem, counted = true): void {
    if (counted) this.tally.read++;
    this.tally.problems++;
    if (this.firstProblems.length < 20) this.firstProblems.push(problem);
    if (this.stored + this.problems.length < MAX_STORED_PROBLEMS) this.problems.push(problem);
  }

  /** Writes what is pending in one transaction (also when only problems or a cursor are pending). */
  async flush(extra?: Extra): Promise<void> {
    if (this.open && this.papers.length) await this.writeGroup();
    const papers = this.papers;
    const problems = this.problems;
    this.papers = [];
    this.problems = [];
    const now = this.open?.now ?? this.ctx.clock.now().toISOString();
    const last: Extra = async (trx) => {
      if (problems.length) await recordProblems(trx, problems, now);
      await this.onCommit?.(trx);
      await extra?.(trx);
    };
    if (this.open) {
      const open = this.open;
      this.open = undefined;
      await open.end(last);
    } else if (papers.length || problems.length || extra || this.onCommit) {
      await this.ctx.store.db.transaction().execute(async (trx) => {
        if (papers.length) this.count(await upsertPapers(trx, papers, now));
        await last(trx);
      });
    }
    this.stored += problems.length;
  }

  /** Rolls back the batch in flight (write-through mode), as a killed process would lose it. */
  async abort(reason: Error): Promise<void> {
    const open = this.open;
    this.open = undefined;
    await open?.end(reason).catch(() => {});
  }

  /** Writes the buffered papers into the batch's open transaction (opened if need be). */
  private async writeGroup(): Promise<OpenBatch> {
    const open = (this.open ??= await this.begin());
    const papers = this.papers;
    this.papers = [];
    this.count(await upsertPapers(open.trx, papers, open.now));
    open.papers += papers.length;
    return open;
  }

  private count(r: UpsertResult): void {
    this.tally.inserted += r.inserted;
    this.tally.updated += r.updated;
    this.tally.unchanged += r.unchanged;
  }

  /** Opens a transaction and keeps it open until end() is called. */
  private begin(): Promise<OpenBatch> {
    return new Promise<OpenBatch>((opened, failedToOpen) => {
      let finish!: (last: Extra | Error) => void;
      const finished = new Promise<Extra | Error>((resolve) => (finish = resolve));
      const done = this.ctx.store.db.transaction().execute(async (trx) => {
        opened({ trx, now: this.ctx.clock.now().toISOString(), papers: 0, end: (last) => (finish(last), done) });
        const last = await finished;
        if (last instanceof Error) throw last;
        await last(trx);
      });
      done.catch(failedToOpen); // only matters before `opened`: afterwards end() reports it
    });
  }
}
