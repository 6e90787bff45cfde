// The in-memory prefilter of the SQLite vector index: every stored vector's 1-bit code (sign of each
// dimension; 64 bytes at 512 dims, 64 MB for a million papers), scanned by Hamming distance.
// Why not sqlite-vec's own KNN over its bit[] table: its cost grows with k (measured with
// sqlite-vec 0.1.9 at 100k vectors: k=20 68 ms, k=500 1.1 s, k=2000 3.2 s), and reaching recall 0.95
// needs ~1,000 candidates; this scan costs the same for any number of candidates, because they
// are selected with a histogram of distances instead of a heap.
// Two stages: the first 128 bits of every code, then all bits for the best few thousand. The first
// stage runs in a few bytes of WebAssembly (SCAN_WASM): its i64.popcnt is one CPU instruction where
// JavaScript needs a dozen, so it reads the first 128 bits of every code from WebAssembly memory,
// where they are held apart from the rest.
// The codes are a cache of the search_vec_bits table: rows with a higher id than the last one
// read are loaded before each search (ids only grow: a re-embedded paper gets a new id), and ids
// that no longer exist are dropped when the candidates are joined with search_vectors.

const popcount = (x: number) => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/**
 * scan(heads, n, q0, q1, out): for i < n, out[i] (u16) = popcnt(heads[2i] ^ q0) + popcnt(heads[2i+1] ^ q1)
 * over the u64 words at byte offset `heads`; the memory is imported as js.mem. Hand-assembled:
 *   (func (param $heads i32) (param $n i32) (param $q0 i64) (param $q1 i64) (param $out i32)
 *     block loop
 *       n == 0 -> exit
 *       store16(out, wrap(popcnt(load64(heads) ^ q0) + popcnt(load64(heads + 8) ^ q1)))
 *       heads += 16; out += 2; n -= 1
 *     br loop end end)
 */
const SCAN_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x09, 0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7e, 0x7e, 0x7f, 0x00, // type: (i32 i32 i64 i64 i32) -> ()
  0x02, 0x0b, 0x01, 0x02, 0x6a, 0x73, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, // import js.mem: memory, min 1 page
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x07, 0x08, 0x01, 0x04, 0x73, 0x63, 0x61, 0x6e, 0x00, 0x00, // export "scan" = function 0
  0x0a, 0x3f, 0x01, 0x3d, 0x00, // code: one body of 61 bytes, no locals
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x01, 0x45, 0x0d, 0x01, // n == 0: br_if 1 (exit)
  0x20, 0x04, // out
  0x20, 0x00, 0x29, 0x03, 0x00, 0x20, 0x02, 0x85, 0x7b, // popcnt(i64.load(heads) ^ q0)
  0x20, 0x00, 0x29, 0x03, 0x08, 0x20, 0x03, 0x85, 0x7b, // popcnt(i64.load offset=8 (heads) ^ q1)
  0x7c, 0xa7, 0x3b, 0x01, 0x00, // add, wrap to i32, i32.store16(out)
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, // heads += 16
  0x20, 0x04, 0x41, 0x02, 0x6a, 0x21, 0x04, // out += 2
  0x20, 0x01, 0x41, 0x01, 0x6b, 0x21, 0x01, // n -= 1
  0x0c, 0x00, 0x0b, 0x0b, 0x0b, // br 0 (loop), end loop, end block, end function
]);
let scanModule: WebAssembly.Module | undefined;
const WASM_PAGE = 65536;

export class BinaryCodes {
  readonly words: number;
  /** Words of each code the first stage reads (128 bits, or all of a smaller code). */
  private readonly headWords: number;
  private readonly restWords: number;
  /** WebAssembly memory: the heads of `capacity` codes, then scratch for as many u16 distances. */
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly scan: (heads: number, n: number, q0: bigint, q1: bigint, out: number) => void;
  private capacity = 0;
  private heads = new Uint32Array(0);
  private rests: Uint32Array;
  private ids: Float64Array;
  size = 0;
  maxId = 0;

  constructor(readonly dims: number) {
    this.words = dims / 32;
    this.headWords = Math.min(4, this.words);
    this.restWords = this.words - this.headWords;
    scanModule ??= new WebAssembly.Module(SCAN_WASM);
    this.scan = new WebAssembly.Instance(scanModule, { js: { mem: this.memory } }).exports.scan as BinaryCodes['scan'];
    this.reserve(1024);
    this.rests = new Uint32Array(1024 * this.restWords);
    this.ids = new Float64Array(1024);
  }

  /** Room for `capacity` heads and their distances in WebAssembly memory (its contents are kept). */
  private reserve(capacity: number): void {
    const bytes = capacity * (this.headWords * 4 + 2);
    const pages = Math.ceil(bytes / WASM_PAGE) - this.memory.buffer.byteLength / WASM_PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.capacity = capacity;
    this.heads = new Uint32Array(this.memory.buffer, 0, capacity * this.headWords);
  }

  /** Adds one code (the packed bits, as sqlite-vec stores them) under a vector id. */
  add(id: number, bits: Uint8Array): void {
    if (this.size === this.capacity) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.reserve(this.capacity * 2);
      this.rests = grow(this.rests, (n) => new Uint32Array(n));
      this.ids = grow(this.ids, (n) => new Float64Array(n));
    }
    const H = this.headWords;
    const R = this.restWords;
    const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
    for (let j = 0; j < H; j++) this.heads[this.size * H + j] = view.getUint32(j * 4, true);
    for (let j = 0; j < R; j++) this.rests[this.size * R + j] = view.getUint32((H + j) * 4, true);
    this.ids[this.size++] = id;
    if (id > this.maxId) this.maxId = id;
  }

  /** Hamming distance of the code in `slot` to the query words q. */
  private distance(slot: number, q: number[]): number {
    const H = this.headWords;
    const R = this.restWords;
    let s = 0;
    for (let j = 0, o = slot * H; j < H; j++) s += popcount(this.heads[o + j] ^ q[j]);
    for (let j = 0, o = slot * R; j < R; j++) s += popcount(this.rests[o + j] ^ q[H + j]);
    return s;
  }

  /** Ids of the `count` codes nearest to `query` (packed bits) by Hamming distance, nearest first. */
  nearest(query: Uint8Array, count: number): number[] {
    const n = this.size;
    if (!n) return [];
    const W = this.words;
    const qv = new DataView(query.buffer, query.byteOffset, query.byteLength);
    const q = Array.from({ length: W }, (_, j) => qv.getUint32(j * 4, true));
    // Stage 1: the first 128 bits (or all, for small codes) of every code.
    const first = this.headWords;
    const heads = this.heads;
    // The distances go to the scratch after the heads, in WebAssembly memory.
    const scratch = this.capacity * first * 4;
    const d1 = new Uint16Array(this.memory.buffer, scratch, n);
    if (first === 4) {
      this.scan(0, n, qv.getBigUint64(0, true), qv.getBigUint64(8, true), scratch);
    } else {
      for (let i = 0, o = 0; i < n; i++, o += first) {
        let s = 0;
        for (let j = 0; j < first; j++) s += popcount(heads[o + j] ^ q[j]);
        d1[i] = s;
      }
    }
    const survivors = select(d1, n, Math.min(n, Math.max(count * 8, 4000)), first * 32);
    // Stage 2: full codes of the survivors.
    const d2 = new Uint16Array(survivors.length);
    for (let k = 0; k < survivors.length; k++) d2[k] = this.distance(survivors[k], q);
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
    for (let k = 0; k < slots.length; k++) d[k] = this.distance(slots[k], q);
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
