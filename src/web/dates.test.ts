import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longDay, monthRange, shiftWeek, validDay, weekOf, weekRange } from './dates.js';

test('ISO weeks: week 1 holds 4 January; days map to their week and back', () => {
  assert.equal(weekOf('2026-01-01'), '2026-W01'); // a Thursday
  assert.equal(weekOf('2027-01-01'), '2026-W53'); // a Friday: still in 2026's week 53
  assert.deepEqual(weekRange('2026-W47'), { from: '2026-11-16', to: '2026-11-22' });
  assert.equal(weekRange('2025-W53'), null); // 2025 has 52 weeks
  assert.equal(shiftWeek('2026-W53', 1), '2027-W01');
  for (const day of ['2024-12-30', '2026-06-15', '2021-01-03']) {
    const r = weekRange(weekOf(day))!;
    assert.ok(r.from <= day && day <= r.to, day);
  }
});

test('days and months are validated, including impossible dates', () => {
  assert.ok(validDay('2024-02-29'));
  assert.ok(!validDay('2023-02-29'));
  assert.ok(!validDay('2024-13-01'));
  assert.deepEqual(monthRange('2024-02'), { from: '2024-02-01', to: '2024-02-29' });
  assert.equal(monthRange('2024-13'), null);
  assert.equal(longDay('2026-11-20'), 'Friday, 20 November 2026');
});
