import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';

test('/metrics counts requests by route pattern and answers only loopback clients', async () => {
  const ctx = await makeTestContext();
  const app = await buildApp(ctx);
  try {
    await app.inject({ url: '/healthz' });
    await app.inject({ url: '/papers/2401.99999' });
    const local = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    assert.equal(local.statusCode, 200);
    assert.match(local.body, /paperboy_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="2xx"\} 1/);
    assert.match(local.body, /paperboy_process_cpu_seconds_total/);
    assert.doesNotMatch(local.body, /2401\.99999/, 'labels carry route patterns, not URLs');
    const remote = await app.inject({ url: '/metrics', remoteAddress: '203.0.113.7' });
    assert.equal(remote.statusCode, 404);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
