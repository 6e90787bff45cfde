// Every recorded OAI-PMH answer parses: records in both formats (hand-checked samples), resumption
// tokens, and every error answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseOai, splitAuthors } from '../../src/ingest/oai.js';
import { fixtures } from '../helpers.js';
import { nockRecording, recorded } from './replay.js';

const ok = (r: ReturnType<typeof parseOai>['records'][number]) => {
  assert.ok(r.result?.ok, `${r.identifier}: ${r.result && !r.result.ok ? r.result.problem : 'no result'}`);
  return r.result.paper;
};

test('every recorded OAI-PMH answer parses without throwing, records all accepted', () => {
  for (const dir of ['litpuvn', 'mikesaelim']) {
    for (const file of readdirSync(path.join(fixtures, 'arxiv-oai', dir))) {
      const page = parseOai(recorded(`arxiv-oai/${dir}/${file}`));
      for (const r of page.records) ok(r);
      assert.equal(!!page.error, file.startsWith('ErrorResponse'), file);
    }
  }
  for (const file of readdirSync(path.join(fixtures, 'arxiv-oai', 'paperhive-nock'))) {
    for (const reply of nockRecording(file)) {
      if (reply.status !== 200) continue;
      const page = parseOai(reply.body);
      for (const r of page.records) ok(r);
    }
  }
});

test('arXivRaw ListRecords: 387 records, version history, resumption token', () => {
  const page = parseOai(recorded('arxiv-oai/litpuvn/ListRecords.xml'));
  assert.equal(page.records.length, 387);
  assert.equal(page.resumptionToken, '1403493|1001');
  assert.equal(page.completeListSize, 1440);
  assert.equal(page.cursor, 0);
  const first = page.records[0];
  assert.equal(first.identifier, 'oai:arXiv.org:0803.4354');
  assert.equal(first.datestamp, '2016-10-21');
  const p = ok(first);
  assert.equal(p.id, '0803.4354');
  assert.equal(p.version, 6);
  assert.equal(p.publishedAt, '2008-03-30T23:26:50.000Z');
  assert.equal(p.updatedAt, '2016-10-20T16:58:38.000Z');
  assert.equal(p.title, 'A O(n^8) X O(n^7) Linear Programming Model of the Traveling Salesman Problem');
  assert.deepEqual(p.authors, ['Moustapha Diaby']);
  assert.deepEqual(p.categories, ['cs.DM']);
  assert.equal(p.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
  assert.equal(p.links?.pdf, 'https://arxiv.org/pdf/0803.4354v6');
});

test('arXivRaw: author lists with "and", several DOIs, journal refs', () => {
  const page = parseOai(recorded('arxiv-oai/mikesaelim/ListRecordsResponse.xml'));
  assert.equal(page.records.length, 6);
  assert.equal(page.resumptionToken, '726959|1001');
  const p = ok(page.records[0]);
  assert.equal(p.id, '0704.0471');
  assert.equal(p.version, 1);
  assert.deepEqual(p.authors, ['D.V. Shetty', 'S.J. Yennello', 'G.A. Souliotis']);
  assert.deepEqual(p.categories, ['nucl-ex', 'nucl-th']);
  assert.equal(p.doi, '10.1103/PhysRevC.76.024606', 'the first of several DOIs');
  assert.equal(p.journalRef, 'Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007');
  assert.ok(p.abstract.includes('extremely " stiff " and " soft "'), 'entities decoded');
  const q = ok(page.records[1]);
  assert.equal(q.id, '0704.0716');
  assert.equal(q.version, 4);
  assert.equal(q.updatedAt, '2008-11-14T09:07:25.000Z');

  const single = parseOai(recorded('arxiv-oai/mikesaelim/GetRecordResponse.xml'));
  const r = ok(single.records[0]);
  assert.equal(r.id, '1302.2146');
  assert.equal(r.version, 2);
  assert.deepEqual(r.authors, ['Joshua Berger', 'Maxim Perelstein', 'Michael Saelim', 'Philip Tanedo']);
  assert.deepEqual(r.categories, ['hep-ph', 'hep-ex']);
  assert.equal(single.resumptionToken, null);
});

test('arXiv format: split author names, created date, no version history', () => {
  const [, ok200] = nockRecording('oaipmh-listrecords---should-list-identifiers-from-arxiv.json');
  const page = parseOai(ok200.body);
  assert.equal(page.records.length, 2);
  const p = ok(page.records[0]);
  assert.equal(p.id, '1412.8544');
  assert.equal(p.version, 1);
  assert.deepEqual(p.authors, ['Sander Uijlen', 'Bas Westerbaan']);
  assert.equal(p.publishedAt, '2014-12-29T00:00:00.000Z');
  assert.equal(p.doi, '10.4204/EPTCS.172.11');
  assert.equal(p.journalRef, 'EPTCS 172, 2014, pp. 154-164');
  assert.equal(p.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
  assert.equal(page.resumptionToken, null, 'a single page');
});

test('error answers are read as errors, with or without the OAI-PMH envelope', () => {
  const cases: Array<[string, string]> = [
    ['ErrorResponseBadArgument.xml', 'badArgument'],
    ['ErrorResponseBadResumptionToken.xml', 'badResumptionToken'],
    ['ErrorResponseBadVerb.xml', 'badVerb'],
    ['ErrorResponseIdDoesNotExist.xml', 'idDoesNotExist'],
    ['ErrorResponseNoRecordsMatch.xml', 'noRecordsMatch'],
  ];
  for (const [file, code] of cases) {
    const page = parseOai(recorded(`arxiv-oai/mikesaelim/${file}`));
    assert.equal(page.error?.code, code, file);
    assert.ok(page.error?.message.length, file);
    assert.deepEqual(page.records, []);
  }
  const [bare] = nockRecording('oaipmh-errors-should-reject-malformed-xml-arxiv.json');
  assert.equal(parseOai(bare.body).error?.code, 'idDoesNotExist');
  const [empty] = nockRecording('oaipmh-non-standards-should-accept-empty-result-listrecords.json');
  assert.deepEqual(parseOai(empty.body), { records: [], resumptionToken: null, completeListSize: null, cursor: null });
  const [notFound] = nockRecording('oaipmh-errors-should-reject-404-error.json');
  assert.throws(() => parseOai(notFound.body), /not an OAI-PMH answer/);
  const xml = recorded('arxiv-oai/litpuvn/ListRecords.xml');
  assert.throws(() => parseOai(xml.slice(0, 5000)), /malformed XML/);
});

test('arXivRaw author strings: commas, "and", affiliations in parentheses', () => {
  assert.deepEqual(splitAuthors('Carl Lagoze, Herbert Van de Sompel, Michael L. Nelson, Simeon Warner,\n   Robert Sanderson, Pete Johnston'), [
    'Carl Lagoze',
    'Herbert Van de Sompel',
    'Michael L. Nelson',
    'Simeon Warner',
    'Robert Sanderson',
    'Pete Johnston',
  ]);
  assert.deepEqual(splitAuthors('A. One (Univ. X, Y), B. Two and C. Three'), ['A. One', 'B. Two', 'C. Three']);
});
