// The OpenAI-compatible embeddings client against a local server speaking that protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiEmbedder, endpointOf } from '../../src/search/embedders/openai.js';
import { AppError } from '../../src/errors.js';

interface Seen {
  path: string;
  auth?: string;
  body: { model: string; input: string[] };
}

async function withServer(handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void, fn: (url: string, seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        seen.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
      } catch {
        /* malformed request bodies are the client's bug; the test asserts on seen */
      }
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// Answers like OpenAI: data in any order, each with its index; a vector per input.
const openAiLike = (_req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => {
  const { input, model } = JSON.parse(body) as { input: string[]; model: string };
  const data = input.map((text, index) => ({ object: 'embedding', index, embedding: [text.length, 1, 0, 2] })).reverse();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
};

test('embeds in request batches, in input order, as unit vectors, with the key as a bearer token', () =>
  withServer(openAiLike, async (url, seen) => {
    const e = new OpenAiEmbedder({ url, model: 'nomic-embed-text', key: 'sk-test-123', batch: 2 });
    assert.equal(e.name, 'openai:nomic-embed-text');
    const out = await e.embed(['a', 'bbb', 'cc']);
    assert.equal(out.length, 3);
    assert.equal(seen.length, 2);
    assert.equal(seen[0].path, '/v1/embeddings');
    assert.equal(seen[0].auth, 'Bearer sk-test-123');
    assert.deepEqual(seen[0].body, { model: 'nomic-embed-text', input: ['a', 'bbb'] });
    // Vector of "bbb" is [3,1,0,2] scaled to unit length: order follows `index`, not the answer's order.
    const n = Math.hypot(3, 1, 0, 2);
    assert.ok(Math.abs(out[1][0] - 3 / n) < 1e-6);
    for (const v of out) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
  }));

test('server errors become upstream errors that never contain the key', () =>
  withServer(
    (_req, _body, res) => {
      res.statusCode = 401;
      res.end('{"error":"invalid api key sk-secret-999"}');
    },
    async (url) => {
      const e = new OpenAiEmbedder({ url, model: 'm', key: 'sk-secret-999' });
      await assert.rejects(e.embed(['x']), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'upstream');
        assert.match(err.message, /401/);
        assert.ok(!err.message.includes('sk-secret-999'));
        return true;
      });
    },
  ));

test('malformed answers and timeouts are reported, not crashed on', async () => {
  await withServer(
    (_req, _body, res) => res.end('{"data":[{"embedding":["x"]}]}'),
    async (url) => {
      await assert.rejects(new OpenAiEmbedder({ url, model: 'm' }).embed(['x']), /malformed/);
    },
  );
  await withServer(
    () => {
      /* never answers */
    },
    async (url) => {
      await assert.rejects(new OpenAiEmbedder({ url, model: 'm', timeoutMs: 100 }).embed(['x']), /timed out/);
    },
  );
});

test('base URLs with or without /v1 reach the embeddings endpoint', () => {
  assert.equal(endpointOf('http://h:11434'), 'http://h:11434/v1/embeddings');
  assert.equal(endpointOf('http://h:11434/v1/'), 'http://h:11434/v1/embeddings');
  assert.equal(endpointOf('https://api.openai.com/v1/embeddings'), 'https://api.openai.com/v1/embeddings');
});
