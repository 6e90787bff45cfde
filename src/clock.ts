// Time is injected so that tests can control it (trending decay, retries, token expiry, Retry-After).
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that only moves when told to; sleep() advances it instantly. */
export class ManualClock implements Clock {
  readonly slept: number[] = [];
  constructor(private t: number = Date.parse('2026-01-01T00:00:00Z')) {}
  now() {
    return new Date(this.t);
  }
  async sleep(ms: number) {
    this.slept.push(ms);
    this.t += ms;
  }
  advance(ms: number) {
    this.t += ms;
  }
  set(iso: string) {
    this.t = Date.parse(iso);
  }
}

export const isoNow = (clock: Clock) => clock.now().toISOString();
/** The UTC calendar day (YYYY-MM-DD) of a date. */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
