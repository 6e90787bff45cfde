// A local HTTP server (127.0.0.1, port 0) that answers with recorded arXiv responses, chosen per
// request by the test, and remembers what it was asked.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fixtures } from '../helpers.js';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
  /** Never answer (a hanging server). */
  hang?: boolean;
}

export interface ReplayServer {
  url: string; // base URL, e.g. http://127.0.0.1:PORT/oai
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startReplay(answer: (query: URLSearchParams, req: IncomingMessage) => Reply): Promise<ReplayServer> {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    requests.push(query);
    const reply = answer(query, req);
    if (reply.hang) return; // leave the socket open and silent
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml; charset=utf-8', ...reply.headers });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw recorded body from the shared fixtures. */
export const recorded = (rel: string) => readFileSync(path.join(fixtures, rel), 'utf8');

/** An arxiv.py golden recording: {url, status_code, body}. */
export function atomRecording(name: string): Reply & { url: string } {
  const r = JSON.parse(recorded(`arxiv-atom/recorded-2026/${name}`)) as { url: string; status_code: number; body: string };
  return { url: r.url, status: r.status_code, body: r.body };
}

/** A nock recording: the answers with their status and headers. */
export function nockRecording(name: string): Reply[] {
  const r = JSON.parse(recorded(`arxiv-oai/paperhive-nock/${name}`)) as Array<{ status: number; response: string; rawHeaders: string[] }>;
  return r.map((x) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i + 1 < x.rawHeaders.length; i += 2) {
      const k = x.rawHeaders[i].toLowerCase();
      // The recorded encoding/length headers describe the original transfer, not this replay.
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) headers[k] = x.rawHeaders[i + 1];
    }
    return { status: x.status, headers, body: x.response };
  });
}
