// XML parsing shared by the Atom and OAI-PMH parsers: one configured fast-xml-parser, a validity
// check first (a truncated answer must be refused, not half-read), and helpers for its output.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// Elements that may repeat are always arrays, so parsers never branch on "one or many".
const ALWAYS_ARRAY = new Set(['entry', 'author', 'category', 'link', 'record', 'setSpec', 'version', 'header']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true, // arxiv:comment -> comment, opensearch:totalResults -> totalResults
  parseTagValue: false, // ids like 0704.0001 and 1111.2011 must stay strings
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ALWAYS_ARRAY.has(name),
  processEntities: true,
});

export type XmlNode = Record<string, unknown>;

/**
 * Parses XML or returns why it is not well-formed (with line and column). `trusted` skips the
 * validation pass (half the time) for files that ship in the repo.
 */
export function parseXml(xml: string, trusted = false): { ok: true; doc: XmlNode } | { ok: false; problem: string } {
  const valid = trusted || XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, problem: `malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}` };
  return { ok: true, doc: parser.parse(xml) as XmlNode };
}

/** The text of an element (elements with attributes parse to objects with '#text'). */
export function text(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'object' && '#text' in (node as XmlNode)) return text((node as XmlNode)['#text']);
  return null;
}

export function attr(node: unknown, name: string): string | null {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
  const v = (node as XmlNode)[`@${name}`];
  return typeof v === 'string' ? v : null;
}

export function list(node: unknown): XmlNode[] {
  if (node === undefined || node === null || node === '') return [];
  return (Array.isArray(node) ? node : [node]).filter((n) => n && typeof n === 'object') as XmlNode[];
}

export function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  return (node as XmlNode)[name];
}
