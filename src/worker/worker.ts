// The background worker: runs queued jobs with leases and fires periodic tasks by enqueueing them.
// Each domain contributes its task definitions (src/*/tasks.ts); this file only schedules and runs.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { claimJob, completeJob, enqueueJob, failJob, pruneJobs, releaseLeases } from '../store/jobs.js';

export interface TaskDefinition {
  /** The job kind. */
  kind: string;
  /** Runs one job; throw to retry with backoff. */
  run(ctx: AppContext, payload: any, job: { id: number; attempts: number }): Promise<void>;
  /** When set, the worker enqueues this job every `everyMs` (one pending at a time). */
  everyMs?: number;
  maxAttempts?: number;
}

export interface WorkerOptions {
  tasks: TaskDefinition[];
  pollMs?: number;
  id?: string;
}

export class Worker {
  readonly id: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly tasks: Map<string, TaskDefinition>;
  private readonly lastScheduled = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.tasks = new Map(options.tasks.map((t) => [t.kind, t]));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the job in hand, then returns its leases. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
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
      await enqueueJob(this.ctx.store.db, task.kind, {}, nowIso, { uniqueKey: `periodic:${task.kind}` });
    }
    if (now - (this.lastScheduled.get('__prune') ?? 0) > 3_600_000) {
      this.lastScheduled.set('__prune', now);
      await pruneJobs(this.ctx.store.db, new Date(now - 7 * 86_400_000).toISOString());
    }
  }

  private async runOne(): Promise<boolean> {
    const now = this.ctx.clock.now();
    const kinds = [...this.tasks.keys()];
    const leaseMs = 5 * 60_000;
    const job = await claimJob(this.ctx.store.db, kinds, this.id, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
    if (!job) return false;
    const task = this.tasks.get(job.kind)!;
    const started = Date.now();
    try {
      await task.run(this.ctx, job.payload, job);
      await completeJob(this.ctx.store.db, job.id, this.id, this.ctx.clock.now().toISOString());
      this.ctx.log.debug({ job: job.kind, id: job.id, ms: Date.now() - started }, 'job done');
    } catch (err) {
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
