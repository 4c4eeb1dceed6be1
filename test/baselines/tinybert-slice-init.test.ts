// TinyBERT's `init: 'teacher-slice'`: student layer i is cut from teacher layer layerMap[i] (the uniform map by
// default), student head j from teacher head j, the residual and FFN axes from the leading dims; the default stays the
// authors' random init.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, type BertConfig, type BertWeights } from '../../src-main/engine/bert/index.js';
import { createTinyBertMethod, resolveTinyBertSetup } from '../../src-main/engine/methods/tinybert/index.js';

before(async () => { await selectBackend('wasm'); });

// 4 layers, 2 heads of 4 dims; the student: 2 layers, 2 heads of 2 dims, FFN 8 -> uniform map [1, 3]
const teacherCfg: BertConfig = {
  vocabSize: 30, hiddenSize: 8, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};
const target = { layers: 2, hidden: 4, heads: 2, intermediate: 8 };
const HEADS = [0, 1, 4, 5]; // student head 0 <- teacher dims 0-1 (head 0), head 1 <- dims 4-5 (head 1)

const same = (a: tf.Tensor, b: tf.Tensor) => a.shape.join() === b.shape.join() && tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]) === 0;

function withStudent(options: Record<string, unknown>, body: (student: BertWeights, teacher: BertWeights, layerMap: number[]) => void): void {
  // every tensor random (biases and LayerNorms too), so a wrong index can never pick equal values
  const init = initBertWeights(teacherCfg, 11);
  const teacher: BertWeights = Object.fromEntries(Object.entries(init).map(([n, x], k) => [n, tf.randomNormal(x.shape, 0, 1, 'float32', 100 + k)]));
  disposeWeights(init);
  const before = tf.memory().numTensors;
  const method = createTinyBertMethod({ config: teacherCfg, weights: teacher }, { target, dropout: 0, ...options });
  const { weights: student } = method.exportStudent();
  try { body(student, teacher, method.layerMap); } finally {
    disposeWeights(student);
    method.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  disposeWeights(teacher);
}

test('teacher-slice: student layer i comes from teacher layer layerMap[i] (uniform map [1, 3]), not a neighbour', () => {
  withStudent({ init: 'teacher-slice' }, (s, t, layerMap) => {
    assert.deepEqual(layerMap, [1, 3]);
    const idx = tf.tensor1d(HEADS, 'int32');
    for (const [i, g] of layerMap.entries()) {
      const expected = tf.tidy(() => tf.gather(t[`bert.encoder.layer.${g}.attention.self.query.weight`], idx, 0).slice([0, 0], [4, 4]));
      const neighbour = tf.tidy(() => tf.gather(t[`bert.encoder.layer.${g - 1}.attention.self.query.weight`], idx, 0).slice([0, 0], [4, 4]));
      const q = s[`bert.encoder.layer.${i}.attention.self.query.weight`];
      assert.ok(same(q, expected), `student layer ${i} query = teacher layer ${g}'s per-head slice`);
      assert.ok(!same(q, neighbour), `student layer ${i} is not teacher layer ${g - 1}`);
      tf.dispose([expected, neighbour]);
    }
    idx.dispose();
  });
});

test('teacher-slice: student head j takes the first dims of teacher head j on every attention tensor (not the leading dims)', () => {
  withStudent({ init: 'teacher-slice' }, (s, t) => {
    const T = (n: string) => t[`bert.encoder.layer.3.${n}`];
    const S = (n: string) => s[`bert.encoder.layer.1.${n}`];
    const idx = tf.tensor1d(HEADS, 'int32'), leading = tf.tensor1d([0, 1, 2, 3], 'int32');
    const checks: [string, tf.Tensor, tf.Tensor][] = tf.tidy(() => [
      ['attention.self.key.weight', tf.gather(T('attention.self.key.weight'), idx, 0).slice([0, 0], [4, 4]), tf.gather(T('attention.self.key.weight'), leading, 0).slice([0, 0], [4, 4])],
      ['attention.self.value.bias', tf.gather(T('attention.self.value.bias'), idx), tf.gather(T('attention.self.value.bias'), leading)],
      ['attention.output.dense.weight', tf.gather(T('attention.output.dense.weight').slice([0, 0], [4, 8]), idx, 1), T('attention.output.dense.weight').slice([0, 0], [4, 4])],
    ]);
    for (const [name, expected, wrongHead] of checks) {
      assert.ok(same(S(name), expected), `${name}: per-head slice`);
      assert.ok(!same(S(name), wrongHead), `${name}: student head 1 does not take teacher head 0's dims 2-3`);
    }
    tf.dispose([idx, leading, ...checks.flatMap(([, a, b]) => [a, b])]);
  });
});

test('teacher-slice: FFN, embeddings, LayerNorms and the MLM head take the leading dims', () => {
  withStudent({ init: 'teacher-slice' }, (s, t) => {
    const pairs: [string, tf.Tensor][] = tf.tidy(() => [
      ['bert.encoder.layer.0.intermediate.dense.weight', t['bert.encoder.layer.1.intermediate.dense.weight'].slice([0, 0], [8, 4])],
      ['bert.encoder.layer.0.output.dense.weight', t['bert.encoder.layer.1.output.dense.weight'].slice([0, 0], [4, 8])],
      ['bert.encoder.layer.0.output.LayerNorm.weight', t['bert.encoder.layer.1.output.LayerNorm.weight'].slice([0], [4])],
      ['bert.embeddings.word_embeddings.weight', t['bert.embeddings.word_embeddings.weight'].slice([0, 0], [30, 4])],
      ['bert.embeddings.position_embeddings.weight', t['bert.embeddings.position_embeddings.weight'].slice([0, 0], [16, 4])],
      ['bert.embeddings.LayerNorm.bias', t['bert.embeddings.LayerNorm.bias'].slice([0], [4])],
      ['cls.predictions.transform.dense.weight', t['cls.predictions.transform.dense.weight'].slice([0, 0], [4, 4])],
      ['cls.predictions.bias', t['cls.predictions.bias'].clone()],
    ]);
    for (const [name, expected] of pairs) assert.ok(same(s[name], expected), name);
    tf.dispose(pairs.map(([, e]) => e));
  });
});

test('a given layerMap is the one sliced', () => {
  withStudent({ init: 'teacher-slice', layerMap: [0, 2] }, (s, t) => {
    for (const [i, g] of [0, 2].entries()) {
      const expected = tf.tidy(() => t[`bert.encoder.layer.${g}.intermediate.dense.bias`].slice([0], [8]));
      assert.ok(same(s[`bert.encoder.layer.${i}.intermediate.dense.bias`], expected), `layer ${i} <- ${g}`);
      expected.dispose();
    }
  });
});

test('by default (from_scratch, the authors\' general distillation) the student is random, not cut from the teacher', () => {
  withStudent({}, (s, t) => {
    const slice = tf.tidy(() => t['bert.embeddings.word_embeddings.weight'].slice([0, 0], [30, 4]));
    assert.ok(!same(s['bert.embeddings.word_embeddings.weight'], slice));
    slice.dispose();
  });
  assert.equal(createTinyBertMethod.length >= 1, true);
});

test('teacher-slice refuses more student heads or a wider FFN than the teacher\'s, naming the option', () => {
  assert.throws(() => resolveTinyBertSetup(teacherCfg, { target: { layers: 2, hidden: 8, heads: 4, intermediate: 8 }, init: 'teacher-slice' }),
    /tinybert: init "teacher-slice" needs target\.heads \(4\) <= the teacher's number of heads \(2\)/);
  assert.throws(() => resolveTinyBertSetup(teacherCfg, { target: { layers: 2, hidden: 8, heads: 2, intermediate: 32 }, init: 'teacher-slice' }),
    /target\.intermediate \(32\)/);
  // from scratch, any head count runs (head-mean attention loss)
  assert.equal(resolveTinyBertSetup(teacherCfg, { target: { layers: 2, hidden: 8, heads: 4, intermediate: 8 } }).target.heads, 4);
  assert.throws(() => createTinyBertMethod({ config: teacherCfg, weights: {} }, { init: 'teacher' as never }), /tinybert\.init: expected one of "from_scratch", "teacher-slice"/);
});
