// Where a digest run's main-thread time goes, phase by phase, when someone asks (the digest
// benchmark's --phases): selecting each subscriber's papers, recording the outbox, rendering, MIME
// building, the hand-off to the SMTP thread, the lease checks and sent marks. Off by default; then
// each timed step costs one branch. Wall-clock time: on a busy machine it includes waiting for a core.
// `timed` counts a synchronous step exactly; `timedAsync` counts until the step's promise settles,
// which also counts whatever else ran in between (other sends' continuations), so it overstates.
import { performance } from 'node:perf_hooks';

export type Phase = 'subscriber batches' | 'load sources' | 'select papers' | 'record outbox' | 'claim rows' | 'render' | 'mime' | 'hand-off' | 'lease check' | 'sent mark';

let totals: Map<Phase, number> | null = null;

/** Starts (or restarts) counting; `phaseTotals` reads the counts, in milliseconds. */
export function startPhaseTimes(): void {
  totals = new Map();
}

export function phaseTotals(): Map<Phase, number> {
  return new Map(totals ?? []);
}

export function stopPhaseTimes(): void {
  totals = null;
}

function add(phase: Phase, since: number): void {
  totals?.set(phase, (totals.get(phase) ?? 0) + performance.now() - since);
}

/** Runs a synchronous step, counted under `phase` when counting. */
export function timed<T>(phase: Phase, step: () => T): T {
  if (!totals) return step();
  const t = performance.now();
  try {
    return step();
  } finally {
    add(phase, t);
  }
}

/** Awaits a database step, counted under `phase` when counting (SQLite's run synchronously inside). */
export async function timedAsync<T>(phase: Phase, step: () => Promise<T>): Promise<T> {
  if (!totals) return step();
  const t = performance.now();
  try {
    return await step();
  } finally {
    add(phase, t);
  }
}
