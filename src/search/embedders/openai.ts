// Any server speaking the OpenAI embeddings protocol (OpenAI, Ollama, text-embeddings-inference,
// vLLM): POST {model, input: [...]} to /v1/embeddings, read data[i].embedding. The key goes only
// into the Authorization header; errors and logs never include it.
import { AppError } from '../../errors.js';
import type { Embedder } from '../embedder.js';
import { normalize } from '../embedder.js';

export interface OpenAiOptions {
  url: string;
  model: string;
  key?: string;
  timeoutMs?: number;
  /** Inputs per request (servers cap it; 64 suits all the common ones). */
  batch?: number;
}

/** Accepts a base URL (https://host, https://host/v1) or the full endpoint. */
export function endpointOf(url: string): string {
  const u = url.replace(/\/+$/, '');
  if (/\/embeddings$/.test(u)) return u;
  if (/\/v1$/.test(u)) return `${u}/embeddings`;
  return `${u}/v1/embeddings`;
}

export class OpenAiEmbedder implements Embedder {
  readonly name: string;
  private readonly endpoint: string;

  constructor(private readonly o: OpenAiOptions) {
    this.name = `openai:${o.model}`;
    this.endpoint = endpointOf(o.url);
  }

  ready(): boolean {
    return true;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const batch = this.o.batch ?? 64;
    for (let i = 0; i < texts.length; i += batch) out.push(...(await this.request(texts.slice(i, i + batch))));
    return out;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.o.key) headers.authorization = `Bearer ${this.o.key}`;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.o.model, input }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new AppError('upstream', `embeddings server ${new URL(this.endpoint).host} unreachable: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`);
    }
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 200).replaceAll(this.o.key || '\u0000', '[redacted]');
      throw new AppError('upstream', `embeddings server answered ${res.status}${detail ? `: ${detail}` : ''}`);
    }
    const body = (await res.json().catch(() => null)) as { data?: Array<{ embedding?: unknown; index?: number }> } | null;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== input.length) throw new AppError('upstream', 'embeddings server sent an unexpected answer');
    const sorted = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const dims = (sorted[0].embedding as unknown[] | undefined)?.length ?? 0;
    return sorted.map((d) => {
      const e = d.embedding;
      if (!Array.isArray(e) || e.length !== dims || dims === 0 || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new AppError('upstream', 'embeddings server sent a malformed vector');
      }
      return normalize(e as number[]);
    });
  }
}
