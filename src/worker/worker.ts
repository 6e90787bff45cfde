// The background worker: runs queued jobs with leases and fires periodic tasks by enqueueing them.
// Each domain contributes its task definitions (src/*/tasks.ts); this file only schedules and runs.
// Any number of workers may share one PostgreSQL database: claims skip each other's rows, a long job's
// lease is renewed while it runs, and a dead worker's job is retried once its lease has expired.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { claimJob, completeJob, enqueueJob, extendLease, failJob, pruneJobs, releaseLeases } from '../store/jobs.js';

export interface TaskDefinition {
  /** The job kind. */
  kind: string;
  /**
   * Runs one job; throw to retry with backoff. `job.signal` aborts when the worker is asked to stop
   * (a long task may stop early at a safe point and throw; it is retried by whichever worker is next).
   */
  run(ctx: AppContext, payload: any, job: { id: number; attempts: number; signal: AbortSignal }): Promise<void>;
  /** When set, the worker enqueues this job every `everyMs` (one pending at a time). */
  everyMs?: number;
  maxAttempts?: number;
}

export interface WorkerOptions {
  tasks: TaskDefinition[];
  pollMs?: number;
  id?: string;
  /** How long a claim lasts without renewal (default: PAPERBOY_JOB_LEASE_SECONDS). */
  leaseMs?: number;
  /** How long stop() waits for the job in hand before giving its lease back anyway (default 30 s). */
  stopGraceMs?: number;
}

export class Worker {
  readonly id: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private abort = new AbortController();
  private readonly tasks: Map<string, TaskDefinition>;
  private readonly lastScheduled = new Map<string, number>();
  private readonly leaseMs: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.tasks = new Map(options.tasks.map((t) => [t.kind, t]));
    this.leaseMs = options.leaseMs ?? (ctx.config.PAPERBOY_JOB_LEASE_SECONDS ?? 300) * 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  /**
   * Stops taking jobs, lets the job in hand finish (up to the grace period; its task sees
   * `job.signal` aborted), then gives back every lease this worker still holds so that another
   * worker can take those jobs at once instead of waiting for the leases to expire.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.abort.abort();
    if (this.loop) {
      const grace = this.options.stopGraceMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
    await releaseLeases(this.ctx.store.db, this.id);
  }

  /** Runs due jobs until none is left (tests and `paperboy worker --once`). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runOne()) n++;
    return n;
  }

  private async run(): Promise<void> {
    const poll = this.options.pollMs ?? 1000;
    while (this.running) {
      try {
        await this.schedulePeriodic();
        const didWork = await this.runOne();
        if (didWork) continue;
      } catch (err) {
        this.ctx.log.error({ err }, 'worker loop error');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, poll);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async schedulePeriodic(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    for (const task of this.tasks.values()) {
      if (!task.everyMs) continue;
      const last = this.lastScheduled.get(task.kind) ?? 0;
      if (now - last < task.everyMs) continue;
      this.lastScheduled.set(task.kind, now);
      const nowIso = new Date(now).toISOString();
      // The unique key makes this safe with many workers: whoever enqueues first wins, the rest no-op.
      await enqueueJob(this.ctx.store.db, task.kind, {}, nowIso, { uniqueKey: `periodic:${task.kind}` });
    }
    if (now - (this.lastScheduled.get('__prune') ?? 0) > 3_600_000) {
      this.lastScheduled.set('__prune', now);
      await pruneJobs(this.ctx.store.db, new Date(now - 7 * 86_400_000).toISOString());
    }
  }

  private leaseFrom(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  private async runOne(): Promise<boolean> {
    const now = this.ctx.clock.now();
    const kinds = [...this.tasks.keys()];
    const job = await claimJob(this.ctx.store.db, kinds, this.id, now.toISOString(), this.leaseFrom(now));
    if (!job) return false;
    const task = this.tasks.get(job.kind)!;
    const started = Date.now();
    // Renew the lease a few times per lease period while the task runs, so that only a dead worker's
    // jobs are ever retried, however long a job takes.
    const renew = setInterval(() => {
      extendLease(this.ctx.store.db, job.id, this.id, this.leaseFrom(this.ctx.clock.now())).then(
        (held) => {
          if (!held) this.ctx.log.warn({ job: job.kind, id: job.id }, 'job lease lost: another worker took it over');
        },
        (err) => this.ctx.log.warn({ err, job: job.kind, id: job.id }, 'could not renew job lease'),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      await task.run(this.ctx, job.payload, { id: job.id, attempts: job.attempts, signal: this.abort.signal });
      clearInterval(renew);
      await completeJob(this.ctx.store.db, job.id, this.id, this.ctx.clock.now().toISOString());
      this.ctx.log.debug({ job: job.kind, id: job.id, ms: Date.now() - started }, 'job done');
    } catch (err) {
      clearInterval(renew);
      // Stopped mid-job on purpose: stop() gives the lease back, so the job runs again at once
      // elsewhere, without counting as a failed attempt or waiting for a backoff.
      if (!this.running && this.abort.signal.aborted) return true;
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = job.attempts >= (task.maxAttempts ?? 5);
      const backoff = Math.min(3_600_000, 2 ** job.attempts * 10_000);
      const retryAt = giveUp ? null : new Date(this.ctx.clock.now().getTime() + backoff).toISOString();
      await failJob(this.ctx.store.db, job.id, this.id, message, this.ctx.clock.now().toISOString(), retryAt);
      this.ctx.log.warn({ job: job.kind, id: job.id, attempts: job.attempts, err: message, retryAt }, 'job failed');
    }
    return true;
  }
}
