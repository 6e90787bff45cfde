// The GitHub REST client for one question: how many stars does a repository have? It follows
// renames (301 to /repositories/ID), asks conditionally (If-None-Match: a 304 costs no quota),
// reads the rate-limit headers, caps the body and the wait, and turns every answer into one of a
// few outcomes the refresh job can act on. The token goes in a header and nowhere else.

export type RepoAnswer =
  | { kind: 'ok'; canonicalName: string; stars: number; etag: string | null }
  | { kind: 'not_modified' }
  | { kind: 'not_found' }
  /** Stop asking until `until` (epoch ms): primary limit exhausted or a secondary limit hit. */
  | { kind: 'rate_limited'; until: number; secondary: boolean }
  | { kind: 'error'; message: string };

export interface RateState {
  remaining?: number;
  /** Epoch ms when the quota resets. */
  reset?: number;
}

export interface GithubClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  /** Largest body read; a repository answer is a few kB. */
  maxBodyBytes?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 3;

export class GithubClient {
  /** What the last answer said about the quota. */
  rate: RateState = {};
  private readonly base: URL;

  constructor(private readonly o: GithubClientOptions) {
    this.base = new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
  }

  async getRepo(fullName: string, etag?: string | null): Promise<RepoAnswer> {
    let url = new URL(`repos/${fullName.split('/').map(encodeURIComponent).join('/')}`, this.base);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let res: Response;
      let body: string;
      try {
        ({ res, body } = await this.request(url, etag));
      } catch (err) {
        return { kind: 'error', message: describeFailure(err) };
      }
      this.readRate(res.headers);
      const status = res.status;
      if (status === 304) return { kind: 'not_modified' };
      if (status === 301 || status === 302 || status === 307 || status === 308) {
        const next = res.headers.get('location') ?? parseJson(body)?.url;
        if (typeof next !== 'string') return { kind: 'error', message: `redirect ${status} without a location` };
        const target = new URL(next, url);
        // The token must never follow a redirect off the API host.
        if (target.origin !== this.base.origin) return { kind: 'error', message: `redirect to another host (${target.host})` };
        url = target;
        continue;
      }
      if (status === 404 || status === 410 || status === 451) return { kind: 'not_found' };
      if (status === 403 || status === 429) {
        const limited = this.rateLimited(res.headers);
        if (limited) return limited;
        return { kind: 'error', message: `forbidden (${status}): ${messageOf(body)}` };
      }
      if (status !== 200) return { kind: 'error', message: `unexpected status ${status}: ${messageOf(body)}` };
      const json = parseJson(body);
      const stars = json?.stargazers_count;
      const name = json?.full_name;
      if (!json || !Number.isSafeInteger(stars) || stars < 0 || typeof name !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(name)) {
        return { kind: 'error', message: 'malformed repository answer' };
      }
      return { kind: 'ok', canonicalName: name.toLowerCase(), stars, etag: res.headers.get('etag') };
    }
    return { kind: 'error', message: 'too many redirects' };
  }

  private async request(url: URL, etag?: string | null): Promise<{ res: Response; body: string }> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'paperboy (self-hosted research papers service)',
    };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (etag) headers['if-none-match'] = etag;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
    try {
      const res = await (this.o.fetch ?? fetch)(url, { headers, redirect: 'manual', signal: controller.signal });
      const body = await readCapped(res, this.o.maxBodyBytes ?? 512 * 1024);
      return { res, body };
    } finally {
      clearTimeout(timer);
    }
  }

  private readRate(h: Headers): void {
    const remaining = h.get('x-ratelimit-remaining');
    const reset = h.get('x-ratelimit-reset');
    if (remaining !== null && /^\d+$/.test(remaining)) this.rate.remaining = Number(remaining);
    if (reset !== null && /^\d+$/.test(reset)) this.rate.reset = Number(reset) * 1000;
  }

  private rateLimited(h: Headers): RepoAnswer | null {
    const now = (this.o.now ?? Date.now)();
    const retryAfter = h.get('retry-after');
    if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) {
      return { kind: 'rate_limited', until: now + Number(retryAfter) * 1000, secondary: true };
    }
    if (h.get('x-ratelimit-remaining') === '0') {
      // GitHub's advice without Retry-After: wait until the reset time (or a minute if unknown).
      return { kind: 'rate_limited', until: Math.max(now, this.rate.reset ?? now + 60_000), secondary: false };
    }
    return null;
  }
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new Error(`answer too large (${declared} bytes)`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`answer too large (over ${max} bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): any {
  try {
    const v = JSON.parse(body);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

function messageOf(body: string): string {
  const m = parseJson(body)?.message;
  return typeof m === 'string' ? m.slice(0, 200) : 'no message';
}

function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return `timeout: ${cause instanceof Error ? cause.message : err.message}`;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
