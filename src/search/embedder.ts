// The Embedder interface and the choice of provider from config. A vector is stored with the
// embedder's name and dimension (embedding_state), so switching models re-embeds everything.
import type { AppContext } from '../context.js';
import { BundledEmbedder } from './embedders/bundled.js';
import { OpenAiEmbedder } from './embedders/openai.js';

export interface Embedder {
  /** Stable model name stored beside each vector ("use-lite-512", "openai:nomic-embed-text"). */
  readonly name: string;
  /** Embeds texts into unit-length vectors, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Starts loading the model without waiting (the web server warms up in the background). */
  warm?(): void;
  /** True once a query can be embedded without waiting for a model to load. */
  ready?(): boolean;
}

/** Scales a vector to unit length (cosine similarity becomes a dot product). */
export function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

const chosen = new WeakMap<object, Embedder | null>();

/** The configured embedder of this context, or null when embeddings are off. */
export function embedderOf(ctx: AppContext): Embedder | null {
  if (chosen.has(ctx)) return chosen.get(ctx)!;
  const c = ctx.config;
  let e: Embedder | null = null;
  if (c.PAPERBOY_EMBEDDER === 'bundled') e = new BundledEmbedder();
  else if (c.PAPERBOY_EMBEDDER === 'openai') {
    if (!c.PAPERBOY_EMBEDDINGS_URL || !c.PAPERBOY_EMBEDDINGS_MODEL) {
      ctx.log.warn('PAPERBOY_EMBEDDER=openai needs PAPERBOY_EMBEDDINGS_URL and PAPERBOY_EMBEDDINGS_MODEL; search runs on full text only');
    } else {
      e = new OpenAiEmbedder({ url: c.PAPERBOY_EMBEDDINGS_URL, model: c.PAPERBOY_EMBEDDINGS_MODEL, key: c.PAPERBOY_EMBEDDINGS_KEY, timeoutMs: c.PAPERBOY_HTTP_TIMEOUT_MS });
    }
  }
  chosen.set(ctx, e);
  return e;
}

/** Uses this embedder for the context (tests, benchmarks, the evaluation). */
export function setEmbedder(ctx: AppContext, embedder: Embedder | null): void {
  chosen.set(ctx, embedder);
}
