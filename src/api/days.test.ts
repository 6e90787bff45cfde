import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoWeekRange, monthRange, rangeOf } from './days.js';

test('ISO weeks run Monday to Sunday and week 1 holds the first Thursday', () => {
  assert.deepEqual(isoWeekRange('2026-W01'), { from: '2025-12-29', to: '2026-01-04' });
  assert.deepEqual(isoWeekRange('2026-W48'), { from: '2026-11-23', to: '2026-11-29' });
  assert.deepEqual(isoWeekRange('2021-W01'), { from: '2021-01-04', to: '2021-01-10' }, '2021 starts on a Friday');
  assert.deepEqual(isoWeekRange('2020-W53'), { from: '2020-12-28', to: '2021-01-03' });
  assert.throws(() => isoWeekRange('2021-W53'), /2021 has no week 53/);
});

test('months end on their last day, leap years included', () => {
  assert.deepEqual(monthRange('2024-02'), { from: '2024-02-01', to: '2024-02-29' });
  assert.deepEqual(monthRange('2026-02'), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(monthRange('2026-12'), { from: '2026-12-01', to: '2026-12-31' });
});

test('at most one of date, week and month', () => {
  assert.equal(rangeOf({}), undefined);
  assert.deepEqual(rangeOf({ date: '2026-11-19' }), { from: '2026-11-19', to: '2026-11-19' });
  assert.throws(() => rangeOf({ date: '2026-11-19', month: '2026-11' }), /at most one/);
});
