// The bundled model loads from the installed package and embeds meaningfully, in its own thread.
// (That it needs no network was checked by running `paperboy embed --all` under `unshare -rn`.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BundledEmbedder } from '../../src/search/embedders/bundled.js';

test('bundled USE lite: 512-dim unit vectors, related texts nearer than unrelated ones', async () => {
  {
    const e = new BundledEmbedder();
    const [a, b, c] = await e.embed([
      'Neural machine translation with attention between source and target sentences.',
      'Translating sentences between languages with an encoder-decoder network.',
      'Measuring the thermal conductivity of copper at low temperatures.',
    ]);
    assert.equal(a.length, 512);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-4);
    assert.ok(dot(a, b) > dot(a, c) + 0.1, `related ${dot(a, b)} vs unrelated ${dot(a, c)}`);
    assert.equal(e.ready(), true);
  }
});
