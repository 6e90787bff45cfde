// Every recorded Atom API answer parses into the expected papers (hand-checked samples), both layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAtom } from '../../src/ingest/atom.js';
import { AppError } from '../../src/errors.js';
import { fixtures } from '../helpers.js';
import { recorded } from './replay.js';

function body(rel: string): string {
  const text = recorded(rel);
  return rel.endsWith('.json') ? (JSON.parse(text) as { body: string }).body : text;
}

test('every recorded Atom answer parses; entries become papers or error messages, nothing refused', () => {
  for (const dir of ['legacy-2016', 'recorded-2026']) {
    for (const file of readdirSync(path.join(fixtures, 'arxiv-atom', dir))) {
      const xml = body(`arxiv-atom/${dir}/${file}`);
      const r = parseAtom(xml);
      const entries = (xml.match(/<entry>/g) ?? []).length;
      assert.equal(r.papers.length + r.errors.length, entries, file);
      assert.deepEqual(r.problems, [], file);
      for (const p of r.papers) {
        assert.match(p.id, /^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/, `${file}: ${p.id}`);
        assert.ok(p.version >= 1 && p.title && p.abstract && p.authors.length && p.categories.length, `${file}: ${p.id}`);
        assert.ok(!/\s{2}/.test(p.title + p.abstract), `${file}: whitespace collapsed in ${p.id}`);
        assert.ok(p.publishedAt <= p.updatedAt, `${file}: ${p.id} dates`);
        assert.equal(p.links?.abs, `https://arxiv.org/abs/${p.id}`);
      }
    }
  }
});

test('legacy 2016 layout: 1111.2011v2 with DOI, journal ref and hard-wrapped text', () => {
  const r = parseAtom(body('arxiv-atom/legacy-2016/id_list=1111.2011v2.xml'));
  assert.equal(r.totalResults, 1);
  const [p] = r.papers;
  assert.equal(p.id, '1111.2011');
  assert.equal(p.version, 2);
  assert.equal(p.title, 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit');
  assert.deepEqual(p.authors, ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic']);
  assert.deepEqual(p.categories, ['cond-mat.str-el', 'cond-mat.stat-mech']);
  assert.equal(p.publishedAt, '2011-11-08T18:48:36.000Z');
  assert.equal(p.updatedAt, '2012-04-02T12:38:54.000Z');
  assert.equal(p.doi, '10.1103/PhysRevB.85.115117');
  assert.equal(p.journalRef, 'Phys. Rev. B 85, 115117 (2012)');
  assert.equal(p.comments, '8 pages, 3 figures. Published version');
  assert.equal(p.links?.pdf, 'https://arxiv.org/pdf/1111.2011v2');
  assert.equal(p.links?.doi, 'https://doi.org/10.1103/PhysRevB.85.115117');
  assert.ok(p.abstract.startsWith('Theoretical description of anisotropic systems, such as layered superconductors'));
});

test('2026 layout: new-style, old-style and versioned ids; primary category first', () => {
  const a = parseAtom(body('arxiv-atom/recorded-2026/id_1605.08386_s0_m100_199195aa31ad.json')).papers[0];
  assert.equal(a.id, '1605.08386');
  assert.equal(a.version, 1);
  assert.equal(a.title, 'Heat-bath random walks with Markov bases');
  assert.deepEqual(a.authors, ['Caprice Stanley', 'Tobias Windisch']);
  assert.deepEqual(a.categories, ['math.CO', 'math.ST']);
  assert.equal(a.comments, '20 pages, 3 figures');
  assert.equal(a.publishedAt, '2016-05-26T17:59:46.000Z');
  assert.equal(a.license, null, 'the Atom API carries no license');

  const old = parseAtom(body('arxiv-atom/recorded-2026/id_astro-ph_0601001_s0_m100_3150dca9dc76.json')).papers[0];
  assert.equal(old.id, 'astro-ph/0601001');
  assert.equal(old.version, 1);
  assert.deepEqual(old.categories, ['astro-ph']);
  assert.equal(old.publishedAt, '2006-01-02T14:57:58.000Z');
  assert.ok(old.abstract.includes('V_max<17.5'), 'entities decoded');

  for (const [file, id] of [
    ['id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.json', 'hep-ex/0406020'],
    ['id_quant-ph_0201082v1_s0_m100_86989fe779ef.json', 'quant-ph/0201082'],
    ['id_2104.12255v1_s0_m100_6ae69987ffe1.json', '2104.12255'],
  ]) {
    const p = parseAtom(body(`arxiv-atom/recorded-2026/${file}`)).papers[0];
    assert.equal(p.id, id);
    assert.equal(p.version, 1);
  }
});

test('affiliations stay out of author names; the primary category leads', () => {
  const r = parseAtom(body('arxiv-atom/recorded-2026/q_testing_s0_m100_cfe7536492ca.json'));
  assert.equal(r.papers.length, 100);
  assert.equal(r.totalResults, 214881);
  for (const p of r.papers) for (const a of p.authors) assert.ok(a.length < 80 && !a.includes('\n'), a);
  const xml = body('arxiv-atom/recorded-2026/q_testing_s0_m100_cfe7536492ca.json');
  const firstPrimary = /<arxiv:primary_category term="([^"]+)"/.exec(xml)?.[1];
  assert.equal(r.papers[0].categories[0], firstPrimary);
});

test('error answers: an error entry for a malformed id, an empty feed for an unknown one', () => {
  const bad = parseAtom(body('arxiv-atom/recorded-2026/id_abc_s0_m100_b79c8dcf6bc3.json'));
  assert.deepEqual(bad.papers, []);
  assert.deepEqual(bad.errors, ['incorrect id format for abc']);
  const none = parseAtom(body('arxiv-atom/recorded-2026/id_0000.0000_s0_m100_8b51d9633a68.json'));
  assert.deepEqual(none.papers, []);
  assert.deepEqual(none.errors, []);
  assert.equal(none.totalResults, 0);
  const half = parseAtom(body('arxiv-atom/recorded-2026/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json'));
  assert.deepEqual(
    half.papers.map((p) => p.id),
    ['1707.08567'],
  );
});

test('truncated or non-Atom XML is refused with a clear error, not half-read', () => {
  const xml = body('arxiv-atom/legacy-2016/search_query=au_del_maestro.xml');
  assert.throws(
    () => parseAtom(xml.slice(0, Math.floor(xml.length / 2))),
    (err: unknown) => err instanceof AppError && err.code === 'upstream' && /malformed XML at line \d+/.test(err.message),
  );
  assert.throws(() => parseAtom('<html><body>Service unavailable</body></html>'), /not an Atom feed/);
});
