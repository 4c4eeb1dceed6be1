// Live charts merge stored metric points with progress events; duplicates and stale points must not distort them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addPoint, seriesFromPoints, type SeriesMap } from '../../src-renderer/src/lib/metricSeries.js';

test('stored points are grouped by name and ordered by step', () => {
  const map = seriesFromPoints([
    { step: 2, name: 'loss', value: 1.5 }, { step: 1, name: 'loss', value: 2 }, { step: 1, name: 'lr', value: 0.1 },
  ]);
  assert.deepEqual(map, { loss: [{ x: 1, y: 2 }, { x: 2, y: 1.5 }], lr: [{ x: 1, y: 0.1 }] });
});

test('an event for a step already plotted replaces its value instead of adding a point', () => {
  const map: SeriesMap = { loss: [{ x: 3, y: 1 }] };
  addPoint(map, 'loss', 3, 0.9);
  assert.deepEqual(map.loss, [{ x: 3, y: 0.9 }]);
});

test('a point older than the last plotted step is ignored, and non-finite values are dropped', () => {
  const map: SeriesMap = { loss: [{ x: 5, y: 1 }] };
  addPoint(map, 'loss', 4, 2);
  addPoint(map, 'loss', 6, Number.NaN);
  assert.deepEqual(map.loss, [{ x: 5, y: 1 }]);
});

test('the first point of a new series lands in the stored list even when the map copies what is assigned to it', () => {
  // Svelte's $state proxies store a proxied copy of an assigned array; model that with a map that copies on set.
  const store: SeriesMap = {};
  const copying = new Proxy(store, { set: (t, k, v) => { t[k as string] = [...v]; return true; } });
  addPoint(copying, 'loss', 1, 2.5);
  addPoint(copying, 'loss', 2, 2.0);
  assert.deepEqual(store.loss, [{ x: 1, y: 2.5 }, { x: 2, y: 2.0 }]);
});
