// The in-memory prefilter of the SQLite vector index: every stored vector's 1-bit code (sign of each
// dimension; 64 bytes at 512 dims, 64 MB for a million papers), scanned by Hamming distance.
// Why not sqlite-vec's own KNN over its bit[] table: its cost grows with k (measured with
// sqlite-vec 0.1.9 at 100k vectors: k=20 68 ms, k=500 1.1 s, k=2000 3.2 s), and reaching recall 0.95
// needs ~1,000 candidates; this scan costs the same for any number of candidates, because they
// are selected with a histogram of distances instead of a heap.
// Two stages: the first 128 bits of every code, then all bits for the best few thousand.
// The codes are a cache of the search_vec_bits table: rows with a higher id than the last one
// read are loaded before each search (ids only grow: a re-embedded paper gets a new id), and ids
// that no longer exist are dropped when the candidates are joined with search_vectors.

const popcount = (x: number) => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

export class BinaryCodes {
  readonly words: number;
  private codes: Uint32Array;
  private ids: Float64Array;
  size = 0;
  maxId = 0;

  constructor(readonly dims: number) {
    this.words = dims / 32;
    this.codes = new Uint32Array(1024 * this.words);
    this.ids = new Float64Array(1024);
  }

  /** Adds one code (the packed bits, as sqlite-vec stores them) under a vector id. */
  add(id: number, bits: Uint8Array): void {
    if (this.size === this.ids.length) {
      const codes = new Uint32Array(this.codes.length * 2);
      codes.set(this.codes);
      this.codes = codes;
      const ids = new Float64Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    const o = this.size * this.words;
    const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
    for (let j = 0; j < this.words; j++) this.codes[o + j] = view.getUint32(j * 4, true);
    this.ids[this.size++] = id;
    if (id > this.maxId) this.maxId = id;
  }

  /** Ids of the `count` codes nearest to `query` (packed bits) by Hamming distance, nearest first. */
  nearest(query: Uint8Array, count: number): number[] {
    const n = this.size;
    if (!n) return [];
    const W = this.words;
    const qv = new DataView(query.buffer, query.byteOffset, query.byteLength);
    const q = Array.from({ length: W }, (_, j) => qv.getUint32(j * 4, true));
    const codes = this.codes;
    // Stage 1: the first 128 bits (or all, for small codes) of every code.
    const first = Math.min(4, W);
    const d1 = new Uint16Array(n);
    const q0 = q[0], q1 = q[1] ?? 0, q2 = q[2] ?? 0, q3 = q[3] ?? 0;
    if (first === 4) {
      for (let i = 0, o = 0; i < n; i++, o += W) {
        d1[i] = popcount(codes[o] ^ q0) + popcount(codes[o + 1] ^ q1) + popcount(codes[o + 2] ^ q2) + popcount(codes[o + 3] ^ q3);
      }
    } else {
      for (let i = 0, o = 0; i < n; i++, o += W) {
        let s = 0;
        for (let j = 0; j < first; j++) s += popcount(codes[o + j] ^ q[j]);
        d1[i] = s;
      }
    }
    const survivors = select(d1, n, Math.min(n, Math.max(count * 8, 4000)), first * 32);
    // Stage 2: full codes of the survivors.
    const d2 = new Uint16Array(survivors.length);
    for (let k = 0; k < survivors.length; k++) {
      const o = survivors[k] * W;
      let s = 0;
      for (let j = 0; j < W; j++) s += popcount(codes[o + j] ^ q[j]);
      d2[k] = s;
    }
    const best = select(d2, survivors.length, Math.min(count, survivors.length), this.dims);
    best.sort((a, b) => d2[a] - d2[b]);
    return best.map((k) => this.ids[survivors[k]]);
  }

  /**
   * Of the codes stored under `ids` (any order; ids not held are skipped), the ids of the `count`
   * nearest to `query`, nearest first: full codes only, for a filter's few thousand vectors.
   */
  nearestAmong(query: Uint8Array, ids: ArrayLike<number>, count: number): number[] {
    const W = this.words;
    const qv = new DataView(query.buffer, query.byteOffset, query.byteLength);
    const q = Array.from({ length: W }, (_, j) => qv.getUint32(j * 4, true));
    const slots: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const slot = this.slotOf(ids[i]);
      if (slot >= 0) slots.push(slot);
    }
    const d = new Uint16Array(slots.length);
    for (let k = 0; k < slots.length; k++) {
      const o = slots[k] * W;
      let s = 0;
      for (let j = 0; j < W; j++) s += popcount(this.codes[o + j] ^ q[j]);
      d[k] = s;
    }
    const best = select(d, slots.length, Math.min(count, slots.length), this.dims);
    best.sort((a, b) => d[a] - d[b]);
    return best.map((k) => this.ids[slots[k]]);
  }

  /** The slot of a vector id, or -1. Ids are held in rising order: they are loaded by rising id. */
  private slotOf(id: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid];
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** Indexes of the `count` smallest distances (ties at the cut-off taken in order), in O(n). */
function select(d: Uint16Array, n: number, count: number, maxDistance: number): number[] {
  const hist = new Uint32Array(maxDistance + 1);
  for (let i = 0; i < n; i++) hist[d[i]]++;
  let cut = 0;
  let below = 0;
  while (cut <= maxDistance && below + hist[cut] < count) below += hist[cut++];
  const out: number[] = [];
  let atCut = count - below;
  for (let i = 0; i < n && out.length < count; i++) {
    if (d[i] < cut) out.push(i);
    else if (d[i] === cut && atCut > 0) {
      out.push(i);
      atCut--;
    }
  }
  return out;
}
