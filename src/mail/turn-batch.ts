// Coalesces the questions asked during one turn of the event loop into one call: the sender asks
// the database about outbox rows at nearly the same moments (one per SMTP connection, "do I still
// hold this row?" before each end-of-data dot, "mark it sent" after each 250), and one query for all
// of them costs about what one query for one row costs. The call runs at setImmediate (or, when
// asked, as soon as the current microtasks are done), i.e. before the event loop next waits for
// I/O, so nothing asked is left pending while more mail goes out: after a crash, at most one
// accepted message per connection can be unrecorded.
export class TurnBatch<K> {
  private keys: K[] = [];
  private scheduled: Promise<Set<K>> | null = null;
  private readonly running = new Set<Promise<Set<K>>>();

  /** `run` answers, for all keys of one turn, the subset for which the answer is yes. `schedule`
   * decides when the turn's call runs: at setImmediate (the default), or sooner, e.g. queueMicrotask
   * for questions that arrive together and hold up a connection until answered. */
  constructor(
    private readonly run: (keys: K[]) => Promise<Set<K>>,
    private readonly schedule: (call: () => void) => void = setImmediate,
  ) {}

  ask(key: K): Promise<boolean> {
    this.keys.push(key);
    if (!this.scheduled) {
      this.scheduled = new Promise<Set<K>>((resolve, reject) =>
        this.schedule(() => {
          const keys = this.keys;
          this.keys = [];
          this.scheduled = null;
          const call = this.run(keys);
          this.running.add(call);
          call.finally(() => this.running.delete(call)).then(resolve, reject);
        }),
      );
    }
    return this.scheduled.then((yes) => yes.has(key));
  }

  /** Resolves once every key asked so far has had its call run to the end (whatever the result). */
  async settled(): Promise<void> {
    while (this.scheduled || this.running.size) await Promise.allSettled([this.scheduled, ...this.running]);
  }
}
