// CRC-32 of a concatenation from the CRCs of its pieces, without reading the pieces again (the
// method of zlib's crc32_combine: multiplying by x^(8·length) modulo the CRC polynomial). The
// spliced gzip pages use it so that a request costs a CRC of the token, not of the whole page.

const POLY = 0xedb88320; // reflected CRC-32 polynomial

/** a·b modulo the polynomial (reflected bit order, as in zlib's multmodp). */
function multiplyModP(a: number, b: number): number {
  let m = 1 << 31;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

// X2N[k] = x^(2^k) modulo the polynomial.
const X2N: number[] = [1 << 30];
for (let k = 1; k < 32; k++) X2N.push(multiplyModP(X2N[k - 1], X2N[k - 1]));

/** The multiplier that appends `length` bytes: x^(8·length) modulo the polynomial. */
export function crcShift(length: number): number {
  let p = (1 << 31) >>> 0; // x^0
  let k = 3; // 8 = 2^3
  for (let n = length; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multiplyModP(X2N[k & 31], p);
  return p;
}

/** CRC-32 of A followed by B, given crc(A), crc(B) and crcShift(length of B). */
export const crcCombine = (crcA: number, crcB: number, shiftB: number): number => (multiplyModP(shiftB, crcA) ^ crcB) >>> 0;
