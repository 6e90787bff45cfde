// The base64 body of a MIME part, assembled from pieces whose encoding is kept. A digest is mostly
// papers that thousands of subscribers share; encoding each message's 35 kB anew (base64 and its
// 76-character lines) cost more than everything else in a message. A piece is encoded once per
// alignment instead: base64 works in groups of 3 bytes, so a piece that starts 0, 1 or 2 bytes into a
// group has one of 3 encodings, and the group that straddles two pieces is encoded on its own.
// Lines end where pieces end, so they are of varying length, each a whole number of 4-character
// groups and at most 76 characters (RFC 2045 §6.8); the decoded bytes are those of the pieces.

const LINE = 76;
/** The first line of a piece's encoding leaves room for the group straddling it and the piece before. */
const FIRST_LINE = LINE - 4;
const CRLF = Buffer.from('\r\n', 'latin1');

interface Encoding {
  /** Base64 lines (each ending in CRLF) of the bytes from `skip` to the last whole group. */
  lines: Buffer;
  /** Where the encoded groups end: the 0–2 bytes after it are carried to the next piece. */
  end: number;
}

/** Bytes that recur across messages (a paper's row, the frame of a digest), encoded once per alignment. */
export class EncodedPiece {
  private readonly encodings: Array<Encoding | undefined> = [];

  constructor(readonly bytes: Buffer) {}

  encoded(skip: number): Encoding {
    return (this.encodings[skip] ??= encodeGroups(this.bytes, skip));
  }
}

export type BodyPiece = EncodedPiece | Buffer;

const bytesOf = (piece: BodyPiece): Buffer => (piece instanceof EncodedPiece ? piece.bytes : piece);

/** The pieces' bytes as one Buffer (what the part decodes to). */
export function joinPieces(pieces: BodyPiece[]): Buffer {
  return Buffer.concat(pieces.map(bytesOf));
}

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/** The base64 body of the pieces, as lines ending in CRLF, in the order they go out: appended to
 * `out` (a message's list of chunks) and returned. */
export function base64Body(pieces: BodyPiece[], out: Buffer[] = []): Buffer[] {
  // The 0–2 bytes left over from the pieces before, waiting for a group to be completed.
  let carried = 0;
  let carry = 0;
  for (const piece of pieces) {
    const bytes = bytesOf(piece);
    let skip = 0;
    if (carried) {
      skip = Math.min(3 - carried, bytes.length);
      for (let i = 0; i < skip; i++) carry = (carry << 8) | bytes[i];
      carried += skip;
      if (carried < 3) continue;
      // The group made of the carried bytes and this piece's first ones opens the piece's first line.
      out.push(group(carry, 3));
      carried = 0;
      carry = 0;
    }
    const { lines, end } = piece instanceof EncodedPiece ? piece.encoded(skip) : encodeGroups(bytes, skip);
    if (lines.length) out.push(lines);
    else if (skip) out.push(CRLF);
    for (let i = end; i < bytes.length; i++) carry = (carry << 8) | bytes[i];
    carried = bytes.length - end;
  }
  if (carried) out.push(group(carry << (8 * (3 - carried)), carried), CRLF);
  return out;
}

// The groups that straddle two pieces recur: the same pieces meet in many messages (a paper's row
// ends and the next one begins with the same markup), so each is kept once rather than allocated
// for every message (dozens a message).
const groups = new Map<number, Buffer>();

/** One group of base64: 4 characters for `count` (1–3) bytes held in the top of 24 bits, '='-padded. */
function group(bits: number, count: number): Buffer {
  const key = bits * 4 + count;
  let g = groups.get(key);
  if (g) return g;
  if (groups.size >= 4096) groups.clear();
  g = Buffer.allocUnsafeSlow(4); // its own memory: a slice of Buffer's shared pool would keep all 8 kB alive
  g[0] = ALPHABET[bits >> 18];
  g[1] = ALPHABET[(bits >> 12) & 63];
  g[2] = count > 1 ? ALPHABET[(bits >> 6) & 63] : 61; // '='
  g[3] = count > 2 ? ALPHABET[bits & 63] : 61;
  groups.set(key, g);
  return g;
}

function encodeGroups(bytes: Buffer, skip: number): Encoding {
  const end = skip + Math.floor((bytes.length - skip) / 3) * 3;
  const all = bytes.toString('base64', skip, end);
  const lines: string[] = [];
  for (let i = 0, width = FIRST_LINE; i < all.length; i += width, width = LINE) lines.push(all.slice(i, i + width), '\r\n');
  return { lines: Buffer.from(lines.join(''), 'latin1'), end };
}
