// Long-running mail services that `serve` starts beside the web server (the development mailbox).
import type { AppContext } from '../context.js';

/** Starts what mail needs in this process; returns a function that stops it. */
export async function startMailServices(_ctx: AppContext): Promise<() => Promise<void>> {
  return async () => {};
}
