// ALBERT's sentence-order prediction in the `albert` method: the head transformers' AlbertForPreTraining names
// (`albert.pooler`, `sop_classifier.classifier`), its cross-entropy against the order labels, and the run deciding
// from the corpus: pairs where it has document boundaries, none (or an error with sop: true) where it has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { albertForward } from '../../src-main/engine/albert/index.js';
import { createAlbertMethod } from '../../src-main/engine/methods/albert/index.js';
import { tinyRun, tinyTeacherFixture } from './support/tiny-run.js';

const fixture = tinyTeacherFixture();

const TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
const read = (t: tf.Tensor) => t.dataSync()[0];

/** The fixture novel's paragraphs as documents: a blank line after every fourth line. */
function documentsCorpus(): string {
  const lines = readFileSync(new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url), 'utf8').split('\n').slice(0, 200);
  const dir = mkdtempSync(join(tmpdir(), 'wid-sop-corpus-'));
  writeFileSync(join(dir, 'docs.txt'), lines.map((l, i) => (i % 4 === 3 ? `${l}\n` : l)).join('\n'));
  return join(dir, 'docs.txt');
}

test('the SOP term is the cross-entropy of sop_classifier(tanh(pooler(h[CLS]))) against 0 = in order, 1 = swapped', async () => {
  const m = await createAlbertMethod(fixture.teacher, { target: TARGET, embeddingSize: 8, seed: 1 });
  try {
    assert.equal(m.sentenceOrder, 'auto', 'on by default where the corpus allows');
    m.useSentenceOrder!(true);
    const v = m.variables();
    assert.deepEqual(v['sop_classifier.classifier.weight'].shape, [2, 32]);
    assert.deepEqual(v['albert.pooler.weight'].shape, [32, 32]);
    const inputIds = tf.tensor2d([[2, 40, 41, 3, 50, 51, 3], [2, 60, 3, 70, 71, 72, 3]], undefined, 'int32');
    const batch = {
      inputIds, attentionMask: tf.onesLike(inputIds) as tf.Tensor2D,
      tokenTypeIds: tf.tensor2d([[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1]], undefined, 'int32'),
      labels: tf.fill([2, 7], -100, 'int32') as tf.Tensor2D,
      sentenceOrderLabels: tf.tensor1d([0, 1], 'int32'),
    };
    // by hand: pooled = tanh(W_p·h_0 + b_p), logits = W_c·pooled + b_c, CE = mean −log softmax(logits)[label]
    const h = albertForward(v, m.studentConfig, batch).lastHiddenState;
    const hs = await h.array();
    const [Wp, bp, Wc, bc] = await Promise.all(['albert.pooler.weight', 'albert.pooler.bias', 'sop_classifier.classifier.weight', 'sop_classifier.classifier.bias']
      .map((n) => v[n].array())) as [number[][], number[], number[][], number[]];
    const ce = (label: number) => hs.map((row) => {
      const pooled = Wp.map((w, i) => Math.tanh(w.reduce((a, x, j) => a + x * row[0][j], bp[i])));
      const z = Wc.map((w, c) => w.reduce((a, x, j) => a + x * pooled[j], bc[c]));
      const lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]));
      return { z, lse };
    });
    const rows = ce(0);
    const expected = (rows[0].lse - rows[0].z[0] + rows[1].lse - rows[1].z[1]) / 2;
    const inverted = (rows[0].lse - rows[0].z[1] + rows[1].lse - rows[1].z[0]) / 2;
    const r = m.loss(batch, 0);
    assert.ok(Math.abs(read(r.parts.sop) - expected) < 1e-5, `sop ${read(r.parts.sop)} vs ${expected}`);
    assert.ok(Math.abs(read(r.parts.sop) - inverted) > 1e-6, 'the labels are read as given, not inverted');
    assert.ok(Math.abs(read(r.total) - (read(r.parts.mlm) + read(r.parts.sop))) < 1e-4, 'L = MLM + SOP (run_pretraining.py:177)');
    // its gradient reaches the head and the shared layer
    const { value, grads } = tf.variableGrads(() => m.loss(batch, 0).parts.sop, m.trainableVariables());
    assert.ok(read(tf.max(tf.abs(grads['albert/sop_classifier.classifier.weight']))) > 0);
    assert.ok(read(tf.max(tf.abs(grads['albert/albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight']))) > 0);
    tf.dispose([h, value, ...Object.values(grads), ...Object.values(r.parts), r.total, ...Object.values(batch)]);
  } finally {
    m.dispose();
  }
});

test('on a corpus with documents the run trains SOP; without them it is off, and sop: true refuses the corpus', async () => {
  const before = tf.memory().numTensors;
  const withDocs = await tinyRun(fixture.teacher, await createAlbertMethod(fixture.teacher, { target: TARGET, embeddingSize: 8, seed: 1 }), 6, 2e-3,
    { family: 'albert', warmupSteps: 1, corpusPath: documentsCorpus() });
  assert.equal(withDocs.parts.sop?.length, 6, 'loss/sop every step');
  assert.ok(withDocs.parts.sop.every((x) => x > 0 && x < 2), `${withDocs.parts.sop}`);
  assert.equal(withDocs.reloaded.architecture, 'AlbertForMaskedLM');
  assert.ok(!withDocs.reloaded.weights['sop_classifier.classifier.weight'], 'the SOP head is not exported with the MLM student');
  disposeWeights(withDocs.reloaded.weights);
  const plain = await tinyRun(fixture.teacher, await createAlbertMethod(fixture.teacher, { target: TARGET, embeddingSize: 8, seed: 1 }), 2, 2e-3, { family: 'albert', warmupSteps: 1 });
  assert.equal(plain.parts.sop, undefined, 'the fixture novel has no blank lines: no SOP');
  disposeWeights(plain.reloaded.weights);
  await assert.rejects(tinyRun(fixture.teacher, await createAlbertMethod(fixture.teacher, { target: TARGET, embeddingSize: 8, sop: true }), 2, 2e-3, { family: 'albert' }),
    /albert: sentence-order prediction needs documents separated by blank lines/);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});
