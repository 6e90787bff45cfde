// The "parse" and "normalise" stages for arXiv OAI-PMH answers (ListRecords, GetRecord) in the
// `arXivRaw` format (full version history) and the `arXiv` format (split author names, no versions).
import { AppError } from '../errors.js';
import type { PaperInput } from '../store/papers.js';
import { arxivLinks, canonicalArxivId, cleanText, normalisePaper } from './normalize.js';
import { attr, child, list, parseXml, text, type XmlNode } from './xml.js';

export type OaiFormat = 'arXiv' | 'arXivRaw';

export interface OaiRecord {
  identifier: string; // oai:arXiv.org:0704.0001
  datestamp: string; // YYYY-MM-DD, last modification
  deleted: boolean;
  result?: { ok: true; paper: PaperInput } | { ok: false; problem: string };
}

export interface OaiPage {
  /** The OAI-PMH error, when the answer is one (noRecordsMatch, badResumptionToken, ...). */
  error?: { code: string; message: string };
  records: OaiRecord[];
  /** The token of the next page; null when this was the last page. */
  resumptionToken: string | null;
  completeListSize: number | null;
  cursor: number | null;
}

export function parseOai(xml: string, options: { trusted?: boolean } = {}): OaiPage {
  const parsed = parseXml(xml, options.trusted);
  if (!parsed.ok) throw new AppError('upstream', parsed.problem);
  const doc = parsed.doc;
  const root = child(doc, 'OAI-PMH');
  // Some error answers come as a bare <error> element without the OAI-PMH envelope.
  const errorNode = child(root, 'error') ?? child(doc, 'error');
  if (errorNode !== undefined) {
    return {
      error: { code: attr(errorNode, 'code') ?? 'unknown', message: cleanText(text(errorNode)) },
      records: [],
      resumptionToken: null,
      completeListSize: null,
      cursor: null,
    };
  }
  if (!root || typeof root !== 'object') throw new AppError('upstream', 'not an OAI-PMH answer (no <OAI-PMH> element)');
  const container = (child(root, 'ListRecords') ?? child(root, 'GetRecord')) as XmlNode | undefined | '';
  const records = list(child(container, 'record')).map(parseRecord);
  const tokenNode = child(container, 'resumptionToken');
  const token = cleanText(text(tokenNode));
  const size = Number(attr(tokenNode, 'completeListSize'));
  const cursor = Number(attr(tokenNode, 'cursor'));
  return {
    records,
    resumptionToken: token || null,
    completeListSize: tokenNode !== undefined && Number.isFinite(size) && attr(tokenNode, 'completeListSize') !== null ? size : null,
    cursor: tokenNode !== undefined && Number.isFinite(cursor) && attr(tokenNode, 'cursor') !== null ? cursor : null,
  };
}

function parseRecord(record: XmlNode): OaiRecord {
  const header = list(child(record, 'header'))[0];
  const identifier = cleanText(text(child(header, 'identifier')));
  const datestamp = cleanText(text(child(header, 'datestamp')));
  const deleted = attr(header, 'status') === 'deleted';
  const out: OaiRecord = { identifier, datestamp, deleted };
  if (deleted) return out;
  const metadata = child(record, 'metadata');
  const raw = child(metadata, 'arXivRaw');
  const plain = child(metadata, 'arXiv');
  if (raw && typeof raw === 'object') out.result = fromArxivRaw(raw as XmlNode);
  else if (plain && typeof plain === 'object') out.result = fromArxiv(plain as XmlNode, datestamp);
  else out.result = { ok: false, problem: 'no arXiv or arXivRaw metadata' };
  return out;
}

/** Splits an arXivRaw author string: "A. B, C. D, and E. F (Some Univ.)". */
export function splitAuthors(s: string | null): string[] {
  if (!s) return [];
  let flat = cleanText(s);
  // Affiliations in parentheses may contain commas; drop them (nested at most once in practice).
  for (let i = 0; i < 2; i++) flat = flat.replace(/\([^()]*\)/g, '');
  return flat
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

function fromArxivRaw(m: XmlNode): OaiRecord['result'] {
  const id = canonicalArxivId(text(child(m, 'id')));
  if (!id) return { ok: false, problem: `not an arXiv id: ${text(child(m, 'id'))}` };
  const versions = list(child(m, 'version'))
    .map((v) => ({ n: Number((attr(v, 'version') ?? '').replace(/^v/, '')), date: text(child(v, 'date')) }))
    .filter((v) => Number.isInteger(v.n) && v.n > 0)
    .sort((a, b) => a.n - b.n);
  const latest = versions[versions.length - 1];
  const version = latest?.n ?? 1;
  return normalisePaper({
    id: id.id,
    version,
    title: text(child(m, 'title')),
    abstract: text(child(m, 'abstract')),
    authors: splitAuthors(text(child(m, 'authors'))),
    categories: (text(child(m, 'categories')) ?? '').split(/\s+/),
    publishedAt: versions[0]?.date,
    updatedAt: latest?.date,
    comments: text(child(m, 'comments')),
    journalRef: text(child(m, 'journal-ref')),
    doi: text(child(m, 'doi')),
    license: text(child(m, 'license')),
    links: arxivLinks(id.id, version),
    source: 'arxiv',
  });
}

// The arXiv format carries no version history: the version is taken as 1 and the `updated` date
// orders revisions, so a later arXivRaw or Atom lookup with real version numbers still wins.
function fromArxiv(m: XmlNode, datestamp: string): OaiRecord['result'] {
  const id = canonicalArxivId(text(child(m, 'id')));
  if (!id) return { ok: false, problem: `not an arXiv id: ${text(child(m, 'id'))}` };
  const authors = list(child(child(m, 'authors'), 'author')).map((a) =>
    [text(child(a, 'forenames')), text(child(a, 'keyname')), text(child(a, 'suffix'))].filter(Boolean).join(' '),
  );
  const created = text(child(m, 'created'));
  return normalisePaper({
    id: id.id,
    version: 1,
    title: text(child(m, 'title')),
    abstract: text(child(m, 'abstract')),
    authors,
    categories: (text(child(m, 'categories')) ?? '').split(/\s+/),
    publishedAt: created,
    updatedAt: text(child(m, 'updated')) ?? created ?? datestamp,
    comments: text(child(m, 'comments')),
    journalRef: text(child(m, 'journal-ref')),
    doi: text(child(m, 'doi')),
    license: text(child(m, 'license')),
    links: { abs: `https://arxiv.org/abs/${id.id}`, pdf: `https://arxiv.org/pdf/${id.id}` },
    source: 'arxiv',
  });
}
