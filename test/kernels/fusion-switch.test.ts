import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fusionsOn } from '../../src-main/engine/kernels/fusions.js';

test('WID_FUSIONS=off turns every fusion off; a list of -name leaves out just those', () => {
  assert.equal(fusionsOn('bias-gelu', {}), true);
  assert.equal(fusionsOn(undefined, { WID_FUSIONS: 'off' }), false);
  assert.equal(fusionsOn('cross-entropy', { WID_FUSIONS: 'off' }), false);
  assert.equal(fusionsOn('bias-gelu', { WID_FUSIONS: '-bias-gelu' }), false);
  assert.equal(fusionsOn('cross-entropy', { WID_FUSIONS: '-bias-gelu' }), true);
  assert.equal(fusionsOn('attention-softmax', { WID_FUSIONS: '-bias-gelu, -attention-softmax' }), false);
  assert.equal(fusionsOn('head-transpose', { WID_FUSIONS: '-head-transpose' }), false);
  assert.equal(fusionsOn('head-transpose', { WID_FUSIONS: 'off' }), false);
  assert.equal(fusionsOn('head-transpose', { WID_FUSIONS: '-column-sum' }), true);
  assert.equal(fusionsOn('layer-norm-keep', { WID_FUSIONS: '-layer-norm-keep' }), false);
  assert.equal(fusionsOn('layer-norm-keep', { WID_FUSIONS: 'off' }), false);
  assert.equal(fusionsOn('layer-norm-keep', { WID_FUSIONS: '-head-transpose' }), true);
});
