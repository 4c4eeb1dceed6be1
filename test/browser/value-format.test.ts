// How metric values print in the run page, run list and group page.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('metric values print with 4 significant digits, counts as 157.6k, tiny values in exponent form', async () => {
  const { formatValue } = await import('../../src-renderer/src/lib/format.js');
  assert.deepEqual([0.007466288032886696, 16.5472, 107.0278, 157600, 7.14e-5, 12, 0, 2345.6, undefined].map((v) => formatValue(v)),
    ['0.007466', '16.55', '107.0', '157.6k', '7.14e-5', '12', '0', '2346', '—']);
});
