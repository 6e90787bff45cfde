// The "fetch" stage for arXiv: every request to arXiv (Atom API and OAI-PMH alike) goes through one
// gate per process, so there is one connection at a time and at least PAPERBOY_ARXIV_DELAY_MS
// between two requests (arXiv's terms of use: 3 s). 503 answers with Retry-After are waited out and
// repeated; a server that hangs is cut off after PAPERBOY_HTTP_TIMEOUT_MS. Errors name the URL.
import type { AppContext } from '../context.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';

export interface HttpAnswer {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

interface GateState {
  lastStart: number; // clock time (ms) of the last request's start
  queue: Promise<unknown>;
}

// Keyed by clock: a process has one real clock, hence one gate; each test's ManualClock gets its own.
const gates = new WeakMap<Clock, GateState>();

function gateFor(clock: Clock): GateState {
  let g = gates.get(clock);
  if (!g) {
    g = { lastStart: Number.NEGATIVE_INFINITY, queue: Promise.resolve() };
    gates.set(clock, g);
  }
  return g;
}

/** Runs `task` when the gate is free and the politeness delay has passed since the previous request. */
async function throughGate<T>(ctx: AppContext, task: () => Promise<T>): Promise<T> {
  const gate = gateFor(ctx.clock);
  const run = async () => {
    const wait = gate.lastStart + ctx.config.PAPERBOY_ARXIV_DELAY_MS - ctx.clock.now().getTime();
    if (wait > 0) await ctx.clock.sleep(wait);
    gate.lastStart = ctx.clock.now().getTime();
    return task();
  };
  const result = gate.queue.then(run, run);
  gate.queue = result.catch(() => undefined);
  return result;
}

const MAX_RETRY_AFTER_MS = 15 * 60_000;
const MAX_RETRIES = 5;

/** Seconds or an HTTP date, as milliseconds to wait; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, t - now.getTime());
}

/** GET through the arXiv gate; retries 503 + Retry-After; throws AppError('upstream') naming the URL. */
export async function arxivGet(ctx: AppContext, url: string): Promise<HttpAnswer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await throughGate(ctx, () => fetchText(url, ctx.config.PAPERBOY_HTTP_TIMEOUT_MS));
    if (answer.status !== 503) return answer;
    const wait = retryAfterMs(answer.headers.get('retry-after'), ctx.clock.now());
    if (wait === null || attempt >= MAX_RETRIES) throw new AppError('upstream', `GET ${url}: HTTP 503 (service unavailable${wait === null ? '' : `, still after ${MAX_RETRIES} retries`})`, { url });
    if (wait > MAX_RETRY_AFTER_MS) throw new AppError('upstream', `GET ${url}: HTTP 503 asks to retry after ${Math.round(wait / 1000)} s; try again later`, { url });
    ctx.log.info({ url, waitMs: wait }, 'arXiv asked to retry later; waiting');
    await ctx.clock.sleep(wait);
  }
}

/** One request with a deadline covering the whole answer (headers and body). */
async function fetchText(url: string, timeoutMs: number): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      signal: controller.signal,
      headers: { 'user-agent': 'paperboy/0.1 (self-hosted research papers service)', accept: 'application/xml, text/xml, application/atom+xml' },
      redirect: 'follow',
    });
    const body = await res.text();
    return { url, status: res.status, headers: res.headers, body };
  } catch (err) {
    if (controller.signal.aborted) throw new AppError('upstream', `GET ${url}: no answer within ${timeoutMs} ms`, { url });
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AppError('upstream', `GET ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { url });
  } finally {
    clearTimeout(timer);
  }
}
