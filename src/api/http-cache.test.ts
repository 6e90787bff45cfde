import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCache } from './http-cache.js';

const entry = (version: string, at: number) => ({ body: Buffer.from('x'), etag: '"e"', lastModified: null, version, at, checkedAt: at });

test('a cached response is reused without a version check for one second, then only while the version holds', () => {
  const cache = new ResponseCache(10, 10_000);
  cache.set('/a', entry('v1', 1000));
  assert.ok(cache.recent('/a', 1999), 'within a second of the last check');
  assert.equal(cache.recent('/a', 2000), undefined, 'a second later the version must be asked again');
  assert.ok(cache.get('/a', 'v1', 2000), 'same version: still good');
  assert.ok(cache.recent('/a', 2500), 'and the check restarts the second');
  assert.equal(cache.get('/a', 'v2', 3100), undefined, 'a new version misses');
  assert.equal(cache.get('/a', 'v1', 11_001), undefined, 'older than the TTL misses even with the same version');
});

test('the cache keeps at most maxEntries, dropping the least recently stored', () => {
  const cache = new ResponseCache(2, 10_000);
  cache.set('/a', entry('v', 0));
  cache.set('/b', entry('v', 0));
  cache.set('/a', entry('v', 0));
  cache.set('/c', entry('v', 0));
  assert.ok(cache.get('/a', 'v', 1));
  assert.equal(cache.get('/b', 'v', 1), undefined);
  assert.ok(cache.get('/c', 'v', 1));
});
