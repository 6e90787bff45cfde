// Compact int8 copies of the search vectors, the ones vector search rescores its candidates with.
// Rescoring from the float vectors meant one random read of a 2 KB row per candidate from a table
// of 3.9 GiB at 1,000,000 papers (512 dims): on this machine's shared page cache those were disk
// reads (vector side p50 55 ms, hybrid p95 359 ms). The int8 copy is a quarter of that (~560 MB at
// 1M, several rows per page) and carries the paper id, so a search never touches the float table.
// Each vector is scaled by its own largest component before rounding (not sqlite-vec's fixed
// 'unit' range, which would use only a few levels of a unit 512-dim vector): cosine similarity
// does not depend on the scale, so the query is compared with the int8 vector as it is.

/** The int8 copy of a vector: every component scaled so that the largest is ±127, then rounded. */
export function quantizeInt8(v: Float32Array): Buffer {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = max > 0 ? 127 / max : 0;
  const out = Buffer.alloc(v.length);
  const int8 = new Int8Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < v.length; i++) int8[i] = Math.round(v[i] * scale);
  return out;
}

/** Cosine similarity of a float query with an int8 copy (any scale). */
export function cosineInt8(query: Float32Array, int8: Uint8Array): number {
  const v = new Int8Array(int8.buffer, int8.byteOffset, int8.byteLength);
  let dot = 0;
  let vv = 0;
  let qq = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    dot += query[i] * x;
    vv += x * x;
    qq += query[i] * query[i];
  }
  return vv > 0 && qq > 0 ? dot / Math.sqrt(vv * qq) : 0;
}
