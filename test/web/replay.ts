// A local HTTP server that answers arXiv Atom id lookups with the recorded responses in the shared
// fixtures (arxiv.py's golden recordings), so submit tests never reach the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtures } from '../helpers.js';

const dir = path.join(fixtures, 'arxiv-atom', 'recorded-2026');

export interface AtomReplay {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves every recorded `id_list` lookup. A lookup of the latest version (no vN) of a paper recorded
 * only as v1 gets that recording (it is the latest version there is). Anything else gets arXiv's
 * empty feed, as for an unknown id.
 */
export async function startAtomReplay(): Promise<AtomReplay> {
  const byIds = new Map<string, { status: number; body: string }>();
  for (const f of readdirSync(dir).filter((f) => f.startsWith('id_') && f.endsWith('.json'))) {
    const rec = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { url: string; status_code: number; body: string };
    const ids = new URL(rec.url).searchParams.get('id_list');
    if (ids) byIds.set(ids, { status: rec.status_code, body: rec.body });
  }
  const empty = byIds.get('0000.0000')!;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    requests.push(url.search);
    const ids = url.searchParams.get('id_list') ?? '';
    const answer = byIds.get(ids) ?? byIds.get(`${ids}v1`) ?? empty;
    res.writeHead(answer.status, { 'content-type': 'application/atom+xml; charset=utf-8' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
