// The "store" stage: papers and problems are buffered and written in batches, each batch in one
// transaction, so a killed process loses at most the batch in flight and a re-run upserts the rest
// without duplicates.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';
import { type PaperInput, upsertPapers } from '../store/papers.js';
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

export class BatchWriter {
  readonly tally = emptyTally();
  /** The first problems of this run, for the CLI to show. */
  readonly firstProblems: IngestProblem[] = [];
  private papers: PaperInput[] = [];
  private problems: IngestProblem[] = [];
  private stored = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly batchSize = 2000,
    /** Runs inside each batch's transaction after the papers are written (e.g. saving a cursor). */
    private readonly onCommit?: (trx: Transaction<Database>) => Promise<void>,
  ) {}

  async add(paper: PaperInput): Promise<void> {
    this.tally.read++;
    this.papers.push(paper);
    if (this.papers.length >= this.batchSize) await this.flush();
  }

  problem(problem: IngestProblem, counted = true): void {
    if (counted) this.tally.read++;
    this.tally.problems++;
    if (this.firstProblems.length < 20) this.firstProblems.push(problem);
    if (this.stored + this.problems.length < MAX_STORED_PROBLEMS) this.problems.push(problem);
  }

  /** Writes what is buffered in one transaction (also when only problems or a cursor are pending). */
  async flush(extra?: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    const papers = this.papers;
    const problems = this.problems;
    this.papers = [];
    this.problems = [];
    if (!papers.length && !problems.length && !extra && !this.onCommit) return;
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.store.db.transaction().execute(async (trx) => {
      if (papers.length) {
        const r = await upsertPapers(trx, papers, now);
        this.tally.inserted += r.inserted;
        this.tally.updated += r.updated;
        this.tally.unchanged += r.unchanged;
      }
      if (problems.length) await recordProblems(trx, problems, now);
      await this.onCommit?.(trx);
      await extra?.(trx);
    });
    this.stored += problems.length;
  }
}
