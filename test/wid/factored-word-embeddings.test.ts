// WID's training forward applies the residual compactor to the word table per looked-up row and in the tied
// decoder ((x·e)·Eᵀ) instead of forming E·eᵀ: same logits and same gradients as the formed table, at teacher
// width (authors' schedule) and with a residual selection (hard schedule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights, mlmHead } from '../../src-main/engine/bert/index.js';
import { createCompactors } from '../../src-main/engine/methods/wid/compactors.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors } from '../../src-main/engine/methods/wid/effective-weights.js';
import { fullMasks } from '../../src-main/engine/methods/wid/masks.js';
import { studentConfig } from '../../src-main/engine/methods/common/student-size.js';
import { sizesOfMasks } from '../../src-main/engine/methods/wid/masks.js';
import { perturbCompactors, tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

const maxRel = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));

for (const selection of ['teacher width', 'residual selection'] as const) {
  test(`factored word embeddings equal the formed table: logits and gradients (${selection})`, async () => {
    await selectBackend('wasm');
    const teacher = tinyTeacher(31);
    const c = createCompactors(tinyConfig);
    perturbCompactors(c, 5);
    const masks = fullMasks(tinyConfig);
    if (selection === 'residual selection') {
      masks.residual = [0, 2, 3, 5, 8, 9, 12, 15];
      masks.headDims = masks.headDims.map(() => [[0, 1], [1, 2], [2, 3], [0, 3]]); // 4 heads x 2 dims = 8
    }
    const idx = maskIndexTensors(tinyConfig, masks);
    const cfg = studentConfig(tinyConfig, sizesOfMasks(masks));
    const table = tf.variable(teacher['bert.embeddings.word_embeddings.weight'].clone(), true, undefined);
    const inherited = { ...teacher, 'bert.embeddings.word_embeddings.weight': table };
    const b = tinyBatch();
    const labels = tf.randomUniform([2, 6, cfg.vocabSize], -1, 1, 'float32', 3);
    const vars = [table, c['bert.embeddings.row'], c['cls.predictions.transform.dense.col'], c['bert.encoder.layer.0.attention.self.query.col']];
    const run = (factorWords: boolean) => tf.variableGrads(() => tf.tidy(() => {
      const eff = effectiveWeights(inherited, tinyConfig, c, masks, idx, { factorWords });
      const wordProjection = eff.wordProjection;
      if (factorWords) assert.ok(wordProjection, 'factorWords returns the projection');
      const logits = mlmHead(eff.weights, cfg, bertForward(eff.weights, cfg, b, { wordProjection }).lastHiddenState, { wordProjection });
      return tf.sum(tf.mul(logits, labels)) as tf.Scalar;
    }), vars);
    const formed = run(false), factored = run(true);
    assert.ok(Math.abs(formed.value.dataSync()[0] - factored.value.dataSync()[0]) <= 1e-4 * Math.abs(formed.value.dataSync()[0]));
    for (const v of vars) {
      const e = maxRel(factored.grads[v.name], formed.grads[v.name]);
      assert.ok(e < 1e-4, `${v.name}: max |Δgrad| / max |grad| = ${e}`);
    }
    tf.dispose([formed.value, factored.value, ...Object.values(formed.grads), ...Object.values(factored.grads), labels, table, ...Object.values(b), ...Object.values(c)]);
    disposeMaskIndexTensors(idx);
    disposeWeights(teacher);
  });
}
