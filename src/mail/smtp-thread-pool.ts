// The digest SMTP pool as the main thread sees it: the same `send` as SmtpLanes, carried out by the
// SMTP thread (smtp-thread.ts), so that SMTP work runs on the other core beside composing and
// rendering. The thread starts at the first send and keeps the process alive only while a send is
// in flight. Each message is copied once into a buffer of its own that is handed over (transferred,
// not serialised); the caller's buffer stays usable.
import { Worker } from 'node:worker_threads';
import type { SendOutcome, SmtpTarget } from './smtp-lanes.js';
import type { FromSmtpThread, SmtpThreadData, ToSmtpThread } from './smtp-thread.js';

/** What delivery needs of an SMTP pool (SmtpLanes in this thread, or SmtpThreadPool). */
export interface SmtpPool {
  readonly size: number;
  send(envelope: { from: string; to: string }, raw: Buffer, beforeEnd?: () => Promise<boolean>): Promise<SendOutcome>;
  close(): void;
}

interface InFlight {
  resolve: (outcome: SendOutcome) => void;
  beforeEnd?: () => Promise<boolean>;
}

export class SmtpThreadPool implements SmtpPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private closed = false;

  constructor(
    private readonly target: SmtpTarget,
    readonly size: number,
  ) {}

  send(envelope: { from: string; to: string }, raw: Buffer, beforeEnd?: () => Promise<boolean>): Promise<SendOutcome> {
    if (this.closed) return Promise.reject(new Error('SMTP pool is closed'));
    const worker = this.thread();
    const id = this.nextId++;
    const bytes = Uint8Array.prototype.slice.call(raw);
    return new Promise<SendOutcome>((resolve) => {
      this.inFlight.set(id, { resolve, beforeEnd });
      if (this.inFlight.size === 1) worker.ref();
      worker.postMessage({ type: 'send', id, envelope, raw: bytes, gated: !!beforeEnd } satisfies ToSmtpThread, [bytes.buffer]);
    });
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.post(worker, { type: 'close' });
    worker.unref();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: SmtpThreadData = { target: this.target, size: this.size };
    const worker = new Worker(new URL('./smtp-thread.mjs', import.meta.url), { workerData: data });
    worker.unref();
    worker.on('message', (m: FromSmtpThread) => this.receive(worker, m));
    const stopped = (why: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(why);
    };
    worker.on('error', (err) => stopped(`the SMTP thread failed: ${err.message}`));
    worker.on('exit', (code) => stopped(`the SMTP thread stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private receive(worker: Worker, m: FromSmtpThread): void {
    if (m.type === 'gate') {
      const waiting = this.inFlight.get(m.id);
      Promise.resolve()
        .then(() => (waiting?.beforeEnd ? waiting.beforeEnd() : false))
        .then(
          (ok) => this.post(worker, { type: 'gate', id: m.id, ok }),
          (err) => this.post(worker, { type: 'gate', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
    } else if (m.type === 'done') {
      const waiting = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      if (this.inFlight.size === 0) worker.unref();
      waiting?.resolve(m.outcome);
    }
  }

  /** The thread is gone: whatever it was sending may or may not have arrived, so it is retried. */
  private failAll(message: string): void {
    const waiting = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const w of waiting) w.resolve({ ok: false, temporary: true, answered: false, abandoned: false, code: null, message });
  }

  private post(worker: Worker, m: ToSmtpThread): void {
    worker.postMessage(m);
  }
}
