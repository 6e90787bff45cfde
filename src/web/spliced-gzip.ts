// A cached page compressed once, with a per-request value (the browser's CSRF token) put into the
// compressed bytes without compressing the page again.
//
// The page is kept as the parts between the slots. Each part is deflated on its own, ending on a
// byte boundary (sync flush), with the text before it as the preset dictionary so it compresses as
// well as one stream would; each slot becomes a stored (uncompressed) block holding the token. A
// deflate stream may be cut into blocks this way at will, so the result is one ordinary gzip member
// (RFC 1951 3.2.4, RFC 1952). Back-references never reach into a slot: in the dictionaries the slots
// are NUL bytes, which no part contains (checked), and a match needs identical bytes; what a decoder
// has in those places instead therefore never matters. Per request only the token's CRC-32 is
// computed; the page's is combined from its parts' (crc32-combine.ts).
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { crcCombine, crcShift } from './crc32-combine.js';

const WINDOW = 32 * 1024;
// ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export class SplicedGzip {
  private readonly deflated: Buffer[];
  private readonly rawLength: number;
  private readonly partCrcs: number[];
  private readonly partShifts: number[];
  private readonly slotShift: number;

  /** Null when the parts cannot be spliced safely (they contain NUL bytes). */
  static build(parts: Buffer[], slotLength: number, level = 6): SplicedGzip | null {
    if (parts.some((p) => p.includes(0))) return null;
    return new SplicedGzip(parts, slotLength, level);
  }

  private constructor(
    private readonly parts: Buffer[],
    readonly slotLength: number,
    level: number,
  ) {
    const placeholder = Buffer.alloc(slotLength); // NULs: see the file comment
    let before = Buffer.alloc(0);
    this.deflated = parts.map((part, i) => {
      const last = i === parts.length - 1;
      const out = deflateRawSync(part, {
        level,
        ...(before.length ? { dictionary: before } : {}),
        finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      });
      if (!last) before = Buffer.concat([before, part, placeholder]).subarray(-WINDOW);
      return out;
    });
    this.rawLength = parts.reduce((n, p) => n + p.length, 0) + (parts.length - 1) * slotLength;
    this.partCrcs = parts.map((p) => crcOn(p, 0));
    this.partShifts = parts.map((p) => crcShift(p.length));
    this.slotShift = crcShift(slotLength);
  }

  /** The whole page gzipped, with `value` in every slot. */
  render(value: Buffer): Buffer {
    return Buffer.concat(this.pieces(value));
  }

  /** render's bytes as the pieces they are made of, for a writer that sends them without copying. */
  pieces(value: Buffer): Buffer[] {
    if (value.length !== this.slotLength) throw new RangeError(`slot value must be ${this.slotLength} bytes, got ${value.length}`);
    // A stored block: BFINAL=0 BTYPE=00 (padded to the byte), LEN, NLEN (RFC 1951 3.2.4).
    const stored = Buffer.alloc(5);
    stored.writeUInt16LE(value.length, 1);
    stored.writeUInt16LE(~value.length & 0xffff, 3);
    const pieces: Buffer[] = [GZIP_HEADER, this.deflated[0]];
    const valueCrc = crcOn(value, 0);
    let crc = this.partCrcs[0];
    for (let i = 1; i < this.parts.length; i++) {
      pieces.push(stored, value, this.deflated[i]);
      crc = crcCombine(crcCombine(crc, valueCrc, this.slotShift), this.partCrcs[i], this.partShifts[i]);
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(this.rawLength % 2 ** 32, 4);
    pieces.push(trailer);
    return pieces;
  }
}

// zlib's crc32 on an empty buffer (a null pointer) answers the initial value, not the running one.
const crcOn = (data: Buffer, crc: number) => (data.length ? crc32(data, crc) : crc);
