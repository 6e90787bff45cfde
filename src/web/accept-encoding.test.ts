import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip } from './accept-encoding.js';

test('gzip is taken when named or covered by *, and refused with q=0', () => {
  assert.equal(acceptsGzip('gzip, deflate, br, zstd'), true, "a browser's header");
  assert.equal(acceptsGzip('br;q=1.0, GZIP;q=0.5'), true);
  assert.equal(acceptsGzip('x-gzip'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip(''), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip('br'), false);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('*, gzip;q=0'), false, 'an explicit refusal wins over *');
  assert.equal(acceptsGzip('*;q=0'), false);
  assert.equal(acceptsGzip('gzipped, gzip-ish'), false, 'only the exact coding name');
});
