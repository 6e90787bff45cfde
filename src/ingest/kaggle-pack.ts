// How the reader thread hands normalised records to the writing thread: all their text in one
// string and every length, count and number in one Int32Array (transferred, not copied). Copying one
// string is a memcpy; the writing side takes each field back as a slice of it, so it neither parses
// JSON nor clones objects (the JSON text the thread sent before cost the writer as much as reading
// the file itself had).
import type { PaperInput } from '../store/papers.js';
import type { NormalisedItem } from './kaggle-read.js';

export interface PackedItems {
  text: string;
  ints: Int32Array;
  count: number;
}

const NULL = -1;

/** Accumulates items on the reading side. */
export class ItemPacker {
  private parts: string[] = [];
  private ints: number[] = [];
  count = 0;
  /** Characters packed so far (to bound a message's size). */
  chars = 0;

  add({ location, result }: NormalisedItem): void {
    this.count++;
    this.str(location);
    if (!result.ok) {
      this.ints.push(0);
      this.str(result.problem);
      return;
    }
    const p = result.paper;
    this.ints.push(1, p.version);
    for (const s of [p.id, p.title, p.abstract, p.publishedAt, p.updatedAt, p.comments, p.journalRef, p.doi, p.license, p.source]) this.str(s);
    this.str(p.links ? JSON.stringify(p.links) : null);
    this.list(p.authors);
    this.list(p.categories);
  }

  /** The packed items; the packer starts empty again. */
  take(): PackedItems {
    const packed = { text: this.parts.join(''), ints: Int32Array.from(this.ints), count: this.count };
    this.parts = [];
    this.ints = [];
    this.count = 0;
    this.chars = 0;
    return packed;
  }

  private str(s: string | null | undefined): void {
    if (s == null) {
      this.ints.push(NULL);
      return;
    }
    this.ints.push(s.length);
    this.parts.push(s);
    this.chars += s.length;
  }

  private list(items: string[]): void {
    this.ints.push(items.length);
    for (const s of items) this.str(s);
  }
}

/** The items of a packed message, in order, on the writing side. */
export function* unpackItems({ text, ints, count }: PackedItems): Generator<NormalisedItem> {
  let at = 0; // position in text
  let i = 0; // position in ints
  const str = (): string | null => {
    const length = ints[i++];
    if (length === NULL) return null;
    at += length;
    return text.slice(at - length, at);
  };
  const list = (): string[] => {
    const items: string[] = new Array(ints[i++]);
    for (let k = 0; k < items.length; k++) items[k] = str()!;
    return items;
  };
  for (let n = 0; n < count; n++) {
    const location = str()!;
    if (ints[i++] === 0) {
      yield { location, result: { ok: false, problem: str()! } };
      continue;
    }
    const version = ints[i++];
    const [id, title, abstract, publishedAt, updatedAt, comments, journalRef, doi, license, source, links] = [str(), str(), str(), str(), str(), str(), str(), str(), str(), str(), str()];
    const paper: PaperInput = {
      id: id!,
      version,
      title: title!,
      abstract: abstract!,
      authors: list(),
      categories: list(),
      publishedAt: publishedAt!,
      updatedAt: updatedAt!,
      comments,
      journalRef,
      doi,
      license,
      source: source!,
    };
    if (links !== null) paper.links = JSON.parse(links) as PaperInput['links'];
    yield { location, result: { ok: true, paper } };
  }
}
