// Messages between the main thread and the SMTP thread go out once per event-loop turn, as one
// array: each postMessage wakes the other thread (a system call and, on a busy machine, often a
// context switch), and a turn of a digest run usually has several messages to post.
export class BatchedPoster<M> {
  private queue: M[] = [];
  private flushSoon = false;

  constructor(private readonly target: { postMessage(value: unknown): void }) {}

  post(message: M): void {
    if (this.queue.push(message) === 1) setImmediate(() => this.flush());
  }

  /** Posts once the current run of microtasks ends (with whatever else was queued meanwhile): for
   * answers the other thread is waiting on, which should not wait for the rest of the turn. */
  postSoon(message: M): void {
    this.post(message);
    if (this.flushSoon) return;
    this.flushSoon = true;
    queueMicrotask(() => {
      this.flushSoon = false;
      this.flush();
    });
  }

  flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length) this.target.postMessage(batch);
  }
}
