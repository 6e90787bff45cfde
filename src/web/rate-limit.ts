// One rate limit, whichever way a request is answered. @fastify/rate-limit applies it to routed
// requests; early answers (early-answers.ts) are sent before routing, so they spend from the same
// per-client windows here, keyed the same way. Without this, cached pages would be an unlimited
// way in.
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import { normalizeIP, type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

interface Window {
  current: number;
  ttl: number; // ms until the window ends
  startedAt: number;
}

/**
 * Fixed one-window request counts per client, at most `capacity` clients (the least recently seen
 * are forgotten first), as @fastify/rate-limit's own local store keeps them. It is that plugin's
 * store for every route without a limit of its own, and the place early answers spend from.
 */
export class RequestWindows implements FastifyRateLimitStore {
  private readonly windows = new Map<string, Window>(); // in order of last use

  constructor(private readonly capacity = 5_000) {}

  /** Counts one request of `key`'s and returns its window. */
  spend(key: string, windowMs: number): Window {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window) this.windows.delete(key); // set again below, as the most recent
    else if (this.windows.size >= this.capacity) this.windows.delete(this.windows.keys().next().value as string);
    if (!window || window.startedAt + windowMs <= now) window = { current: 0, ttl: windowMs, startedAt: now };
    window.current++;
    window.ttl = windowMs - (now - window.startedAt);
    this.windows.set(key, window);
    return window;
  }

  // The store interface of @fastify/rate-limit.
  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    callback(null, this.spend(key, timeWindow));
  }
  read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    const window = this.windows.get(key);
    const now = Date.now();
    if (!window || window.startedAt + timeWindow <= now) callback(null, { current: 0, ttl: 0 });
    else callback(null, { current: window.current, ttl: timeWindow - (now - window.startedAt) });
  }
  /** Routes with a limit of their own (`config.rateLimit`) count apart. */
  child(): RequestWindows {
    return new RequestWindows(this.capacity);
  }

  /** What @fastify/rate-limit is given: it builds its store with `new`, and gets this instance. */
  asStore(): FastifyRateLimitStoreCtor {
    const shared = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return function SharedWindows() {
      return shared;
    } as unknown as FastifyRateLimitStoreCtor;
  }
}

/**
 * Who a request counts against, from the raw request, so that routed requests and early answers
 * agree: the client's address as Fastify's `request.ip` gives it (the first X-Forwarded-For address
 * when PAPERBOY_TRUST_PROXY is set), normalised as @fastify/rate-limit's own key (IPv6 clients by
 * their /64: one home or host holds a whole /64).
 */
export function clientKeys(trustProxy: boolean): (request: IncomingMessage) => string {
  const trustAll = () => true;
  const known = new Map<string, string>(); // address → key, bounded: normalising an IPv6 address costs microseconds
  return (request) => {
    const address = (trustProxy ? proxyAddr.all(request, trustAll).at(-1) : request.socket.remoteAddress) ?? '';
    let key = known.get(address);
    if (key === undefined) {
      key = normalizeIP(address);
      if (known.size >= 10_000) known.delete(known.keys().next().value as string);
      known.set(address, key);
    }
    return key;
  };
}
