// A local stand-in for api.github.com: serves recorded answers (fixtures/*.json) on 127.0.0.1 at a
// port the OS picks, per path, and remembers what was asked (to check conditional requests,
// tokens and that a shared repository is fetched once).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function fixture(name: string): Recorded {
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
}

/** What to answer on a path: a recording, or a function for the unusual answers (slow, huge, ...). */
export type Answer = Recorded | ((req: http.IncomingMessage, res: http.ServerResponse, base: string) => void);

export interface ReplayServer {
  url: string;
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  /** Answers by request path; a list is served in order (the last one repeats). */
  routes: Map<string, Answer | Answer[]>;
  close(): Promise<void>;
}

export async function startReplay(): Promise<ReplayServer> {
  const routes = new Map<string, Answer | Answer[]>();
  const requests: ReplayServer['requests'] = [];
  const served = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    requests.push({ path: p, headers: req.headers });
    const route = routes.get(p);
    const n = served.get(p) ?? 0;
    served.set(p, n + 1);
    const answer = Array.isArray(route) ? route[Math.min(n, route.length - 1)] : route;
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    if (typeof answer === 'function') return answer(req, res, url);
    // Point GitHub's own URLs (Location, body.url) at this server.
    const rewrite = (s: string) => s.replaceAll('https://api.github.com', url);
    const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, rewrite(v)]));
    const body = answer.body === null ? '' : rewrite(JSON.stringify(answer.body));
    res.writeHead(answer.status, headers).end(answer.status === 304 ? undefined : body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
