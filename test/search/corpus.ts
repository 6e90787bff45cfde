// A small hand-written corpus for the search tests, and a deterministic embedder over it.
import type { PaperInput } from '../../src/store/papers.js';
import type { Embedder } from '../../src/search/embedder.js';
import { normalize } from '../../src/search/embedder.js';
import { words } from '../../src/search/query.js';

const base = (id: string, title: string, abstract: string, authors: string[], categories: string[], publishedAt: string, code = false): PaperInput => ({
  id,
  version: 1,
  title,
  abstract,
  authors,
  categories,
  publishedAt,
  updatedAt: publishedAt,
  links: code ? { code: [`https://github.com/example/${id.replace(/\W/g, '')}`] } : {},
  source: 'demo',
});

export const corpus: PaperInput[] = [
  base('2401.00001', 'Attention Is All You Need', 'We propose the Transformer, a network architecture based solely on attention mechanisms, dispensing with recurrence and convolutions entirely.', ['Ashish Vaswani', 'Noam Shazeer'], ['cs.CL', 'cs.LG'], '2024-01-02T00:00:00Z', true),
  base('2401.00002', 'Deep Residual Learning for Image Recognition', 'Deeper neural networks are more difficult to train. We present a residual learning framework to ease the training of networks.', ['Kaiming He', 'Xiangyu Zhang'], ['cs.CV'], '2024-01-03T00:00:00Z'),
  base('2401.00003', 'A Fast Learning Algorithm for Deep Belief Nets', 'We show how to use complementary priors to derive a fast, greedy algorithm that can learn deep, directed belief networks one layer at a time.', ['Geoffrey Hinton', 'Simon Osindero'], ['cs.LG'], '2023-05-04T00:00:00Z'),
  base('2401.00004', 'Graph Neural Networks for Molecules', 'Message passing neural networks predict quantum chemical properties of molecules from their graph structure.', ['Justin Gilmer'], ['cs.LG', 'physics.chem-ph'], '2024-06-05T00:00:00Z', true),
  base('2401.00005', 'Translating Languages with Sequence to Sequence Models', 'Neural machine translation maps a source sentence to a target sentence with an encoder and a decoder, trained end to end.', ['Ilya Sutskever'], ['cs.CL'], '2022-09-06T00:00:00Z'),
  base('2401.00006', 'Dropout: Preventing Overfitting', 'Randomly dropping units during training prevents co-adaptation. Geoffrey Hinton suggested the idea.', ['Nitish Srivastava', 'Geoffrey Hinton'], ['cs.LG'], '2024-02-07T00:00:00Z'),
];

/** Bag-of-words vectors hashed into 64 dims: papers sharing words are neighbours. */
export class HashEmbedder implements Embedder {
  readonly name = 'test-hash-64';
  calls = 0;
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    return texts.map((t) => {
      const v = new Float32Array(64);
      for (const w of words(t)) {
        let h = 2166136261;
        for (const ch of w.slice(0, 5)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
        v[(h >>> 0) % 64] += 1;
      }
      v[63] += 0.01;
      return normalize(v);
    });
  }
}
