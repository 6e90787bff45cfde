// The digest SMTP pool as the main thread sees it: the same `send` as SmtpLanes, carried out by the
// SMTP thread (smtp-thread.ts), so that SMTP work runs on the other core beside composing and
// rendering. The thread starts at the first send and keeps the process alive only while a send is
// in flight. Each message is copied into a block of shared memory that the thread reads in place
// (posting a 50 kB message costs ~60 µs of serialising; sharing a block costs a memcpy); a block is
// reused once the thread has reported its message's outcome. The caller's buffers stay its own: a
// message given in pieces is assembled in the block, without another copy of the whole.
import { Worker } from 'node:worker_threads';
import type { SendOutcome, SmtpTarget } from './smtp-lanes.js';
import type { FromSmtpThread, SmtpThreadData, ToSmtpThread } from './smtp-thread.js';
import { BatchedPoster } from './batched-poster.js';
import { timed } from './phase-times.js';

/** What delivery needs of an SMTP pool (SmtpLanes in this thread, or SmtpThreadPool). */
export interface SmtpPool {
  readonly size: number;
  send(envelope: { from: string; to: string }, message: Buffer | readonly Buffer[], beforeEnd?: () => Promise<boolean>): Promise<SendOutcome>;
  close(): void;
}

interface InFlight {
  resolve: (outcome: SendOutcome) => void;
  beforeEnd?: () => Promise<boolean>;
  block: SharedArrayBuffer;
}

/** Blocks are sized in steps of this, so that one block fits most messages of a run. */
const BLOCK_STEP = 64 * 1024;

export class SmtpThreadPool implements SmtpPool {
  private worker: Worker | null = null;
  private poster: BatchedPoster<ToSmtpThread> | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly freeBlocks: SharedArrayBuffer[] = [];
  private closed = false;

  constructor(
    private readonly target: SmtpTarget,
    readonly size: number,
  ) {}

  send(envelope: { from: string; to: string }, message: Buffer | readonly Buffer[], beforeEnd?: () => Promise<boolean>): Promise<SendOutcome> {
    if (this.closed) return Promise.reject(new Error('SMTP pool is closed'));
    const worker = this.thread();
    const id = this.nextId++;
    const chunks = Buffer.isBuffer(message) ? [message] : message;
    let length = 0;
    for (const c of chunks) length += c.length;
    const block = this.block(length);
    const into = new Uint8Array(block);
    let at = 0;
    for (const c of chunks) {
      into.set(c, at);
      at += c.length;
    }
    return new Promise<SendOutcome>((resolve) => {
      this.inFlight.set(id, { resolve, beforeEnd, block });
      if (this.inFlight.size === 1) worker.ref();
      this.poster!.post({ type: 'send', id, envelope, block, length, gated: !!beforeEnd });
    });
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.poster?.post({ type: 'close' });
    worker.unref();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: SmtpThreadData = { target: this.target, size: this.size };
    const worker = new Worker(new URL('./smtp-thread.mjs', import.meta.url), { workerData: data });
    worker.unref();
    const poster = new BatchedPoster<ToSmtpThread>({ postMessage: (batch) => timed('hand-off', () => worker.postMessage(batch)) });
    worker.on('message', (batch: FromSmtpThread[]) => {
      for (const m of batch) this.receive(poster, m);
    });
    const stopped = (why: string) => {
      if (this.worker === worker) {
        this.worker = null;
        this.poster = null;
      }
      this.failAll(why);
    };
    worker.on('error', (err) => stopped(`the SMTP thread failed: ${err.message}`));
    worker.on('exit', (code) => stopped(`the SMTP thread stopped (exit code ${code})`));
    this.worker = worker;
    this.poster = poster;
    return worker;
  }

  private receive(poster: BatchedPoster<ToSmtpThread>, m: FromSmtpThread): void {
    if (m.type === 'gate') {
      const waiting = this.inFlight.get(m.id);
      Promise.resolve()
        .then(() => (waiting?.beforeEnd ? waiting.beforeEnd() : false))
        .then(
          // The connection waits for this answer before its end-of-data dot: sent at once.
          (ok) => poster.postSoon({ type: 'gate', id: m.id, ok }),
          (err) => poster.postSoon({ type: 'gate', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
    } else if (m.type === 'done') {
      const waiting = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      if (this.inFlight.size === 0) this.worker?.unref();
      if (waiting && this.freeBlocks.length < this.size * 4) this.freeBlocks.push(waiting.block);
      waiting?.resolve(m.outcome);
    }
  }

  /** A free block of at least `bytes`, or a new one. */
  private block(bytes: number): SharedArrayBuffer {
    const i = this.freeBlocks.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.freeBlocks.splice(i, 1)[0];
    return new SharedArrayBuffer(Math.ceil(bytes / BLOCK_STEP) * BLOCK_STEP);
  }

  /** The thread is gone: whatever it was sending may or may not have arrived, so it is retried. */
  private failAll(message: string): void {
    const waiting = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const w of waiting) w.resolve({ ok: false, temporary: true, answered: false, abandoned: false, code: null, message });
  }
}
