// The `albert` method: an ALBERT student (factorised embedding by truncated SVD of the teacher's word table, one
// shared layer group initialised from the teacher) trained with MLM (+ logit distillation as an option).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights, maskedLmLoss } from '../../src-main/engine/bert/index.js';
import { loadHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { albertForward, albertLayerPrefix, albertMlmHead } from '../../src-main/engine/albert/index.js';
import { createAlbertMethod, resolveAlbertSetup, symmetricEigen, topEigen, truncatedSvd } from '../../src-main/engine/methods/albert/index.js';
import { distillMethodOptions } from '../../src-main/engine/jobs/distill-options.js';
import { TINY_TEACHER, tinyRun } from './support/tiny-run.js';

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

const TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

function batch() {
  const inputIds = tf.tensor2d([[2, 40, 41, 4, 43, 3], [2, 50, 4, 52, 3, 0]], undefined, 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]], undefined, 'int32');
  const labels = tf.tensor2d([[-100, -100, -100, 42, -100, -100], [-100, -100, 51, -100, -100, -100]], undefined, 'int32');
  return { inputIds, attentionMask, tokenTypeIds: tf.zerosLike(inputIds) as tf.Tensor2D, labels };
}

test('Jacobi eigen-decomposition of a symmetric matrix gives its eigenvalues in descending order and orthonormal vectors', () => {
  // [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/√2 and (1, −1)/√2
  const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
  assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12, `${values}`);
  assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-12 && Math.abs(vectors[0] - vectors[2]) < 1e-12);
  assert.ok(Math.abs(vectors[0 * 2 + 1] + vectors[1 * 2 + 1]) < 1e-12, 'second vector is (1, −1)/√2 up to sign');
});

test('truncated SVD through the Gram matrix reproduces a rank-E table and leaves the discarded singular values as its error', async () => {
  const a = tf.randomNormal([40, 4], 0, 1, 'float32', 1), b = tf.randomNormal([4, 12], 0, 1, 'float32', 2);
  const table = tf.matMul(a, b) as tf.Tensor2D; // rank 4
  const exact = await truncatedSvd(table, 4);
  assert.deepEqual(exact.left.shape, [40, 4]);
  assert.deepEqual(exact.right.shape, [12, 4]);
  const rebuilt = tf.matMul(exact.left, exact.right, false, true);
  assert.ok(maxAbs(rebuilt, table) < 1e-3, `rank-4 table rebuilt to ${maxAbs(rebuilt, table)}`);
  assert.ok(maxAbs(tf.matMul(exact.right, exact.right, true), tf.eye(4)) < 1e-5, 'V_E has orthonormal columns');
  // Eckart–Young: ‖T − T_k‖²_F = Σ_{i≥k} σ_i²
  const k2 = await truncatedSvd(table, 2);
  const err = tf.tidy(() => tf.sum(tf.square(tf.sub(table, tf.matMul(k2.left, k2.right, false, true)))).dataSync()[0]);
  const tail = k2.singularValues.slice(2).reduce((s, x) => s + x * x, 0);
  assert.ok(Math.abs(err - tail) / tail < 1e-3, `error ${err} vs discarded ${tail}`);
  tf.dispose([a, b, table, rebuilt, exact.left, exact.right, k2.left, k2.right]);
});

test('power iteration finds the top-k eigenpairs of a Gram matrix as the full Jacobi decomposition does', () => {
  // a dense 60×60 Gram matrix with a slowly decaying spectrum (a word table's) and a near-tie at k
  const n = 60, k = 12;
  const t = tf.tidy(() => tf.matMul(tf.randomNormal([200, n], 0, 1, 'float32', 5), tf.diag(tf.tensor1d(Array.from({ length: n }, (_, i) => (i + 1) ** -0.5)))));
  const g = tf.tidy(() => tf.matMul(t, t, true, false)).dataSync();
  t.dispose();
  const exact = symmetricEigen(g, n);
  const fast = topEigen(g, n, k, { tolerance: 1e-9 });
  assert.equal(fast.values.length, k);
  for (let j = 0; j < k; j++) {
    assert.ok(Math.abs(fast.values[j] - exact.values[j]) <= 1e-7 * exact.values[0], `λ${j}: ${fast.values[j]} vs ${exact.values[j]}`);
    // the same direction up to sign: |⟨v_fast, v_exact⟩| = 1
    let dot = 0;
    for (let i = 0; i < n; i++) dot += fast.vectors[i * k + j] * exact.vectors[i * n + j];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-6, `vector ${j}: |cos| = ${Math.abs(dot)}`);
  }
  assert.ok(fast.iterations > 1 && fast.residual <= 1e-9, `${fast.iterations} iterations, residual ${fast.residual}`);
  // stopped early, the wanted values are not yet right: the test can tell a converged answer from a start block
  const early = topEigen(g, n, k, { maxIterations: 1, oversampling: 0 });
  assert.ok(Math.abs(early.values[k - 1] - exact.values[k - 1]) > 1e-3 * exact.values[0], 'one step of the iteration is not the answer');
});

test('the truncated SVD by power iteration gives the Jacobi factors: same singular values, same subspace, same reconstruction', async () => {
  const table = tf.tidy(() => tf.matMul(tf.randomNormal([300, 40], 0, 1, 'float32', 9), tf.diag(tf.tensor1d(Array.from({ length: 40 }, (_, i) => 1 / (1 + i)))))) as tf.Tensor2D;
  const exact = await truncatedSvd(table, 8, 'jacobi');
  const fast = await truncatedSvd(table, 8, 'power');
  assert.equal(fast.singularValues.length, 8);
  for (let j = 0; j < 8; j++) assert.ok(Math.abs(fast.singularValues[j] - exact.singularValues[j]) < 1e-4 * exact.singularValues[0], `σ${j}`);
  assert.ok(Math.abs(fast.totalEnergy - exact.singularValues.reduce((s, x) => s + x * x, 0)) < 1e-3 * fast.totalEnergy, 'totalEnergy = ‖T‖²_F');
  // Eckart–Young: the power factors reach the optimal rank-8 error (the quantity the ALBERT init cares about) ...
  const errOf = (f: { left: tf.Tensor2D; right: tf.Tensor2D }) => tf.tidy(() => tf.sum(tf.square(tf.sub(table, tf.matMul(f.left, f.right, false, true)))).dataSync()[0]);
  const optimal = exact.singularValues.slice(8).reduce((a, x) => a + x * x, 0);
  assert.ok(Math.abs(errOf(exact) - optimal) < 1e-3 * optimal, 'Jacobi factors are optimal');
  assert.ok(errOf(fast) <= optimal * (1 + 1e-4), `power error ${errOf(fast)} vs optimal ${optimal}`);
  // ... with the same rank-8 subspace (projectors agree to the iteration's tolerance)
  const pFast = tf.matMul(fast.right, fast.right, false, true), pExact = tf.matMul(exact.right, exact.right, false, true);
  assert.ok(maxAbs(pFast, pExact) < 2e-3, `projectors differ by ${maxAbs(pFast, pExact)}`);
  const rFast = tf.matMul(fast.left, fast.right, false, true), rExact = tf.matMul(exact.left, exact.right, false, true);
  tf.dispose([table, pFast, pExact, rFast, rExact, exact.left, exact.right, fast.left, fast.right]);
});

test('the factorised embedding has the shapes [V, E], [P, E], [H, E] and the student holds one layer group', async () => {
  const m = await createAlbertMethod(teacher, { target: TARGET, embeddingSize: 8 });
  try {
    const v = m.variables();
    const V = teacher.config.vocabSize, P = teacher.config.maxPositionEmbeddings;
    assert.deepEqual(v['albert.embeddings.word_embeddings.weight'].shape, [V, 8]);
    assert.deepEqual(v['albert.embeddings.position_embeddings.weight'].shape, [P, 8]);
    assert.deepEqual(v['albert.encoder.embedding_hidden_mapping_in.weight'].shape, [32, 8]);
    assert.deepEqual(v['predictions.dense.weight'].shape, [8, 32]);
    assert.equal(m.studentConfig.numHiddenGroups, 1);
    assert.equal(m.studentConfig.numHiddenLayers, 2);
    assert.ok(m.embeddingEnergyKept > 0 && m.embeddingEnergyKept < 1);
  } finally {
    m.dispose();
  }
});

test('the word table starts as T·V_E, so mapped back through V_E it is the teacher table projected on its top E directions', async () => {
  const m = await createAlbertMethod(teacher, { target: { ...TARGET, hidden: 64, heads: 4, intermediate: 128 }, embeddingSize: 16 });
  try {
    const v = m.variables();
    const T = teacher.weights['bert.embeddings.word_embeddings.weight'];
    const { left, right } = await truncatedSvd(T as tf.Tensor2D, 16);
    assert.ok(maxAbs(v['albert.embeddings.word_embeddings.weight'], left) < 1e-5);
    // at the teacher's width the mapping is V_E itself: word · mappingᵀ = T·V_E·V_Eᵀ
    assert.ok(maxAbs(v['albert.encoder.embedding_hidden_mapping_in.weight'], right) < 1e-6);
    tf.dispose([left, right]);
  } finally {
    m.dispose();
  }
});

test('the shared layer is one set of variables whose gradient is the sum of its applications\' gradients', async () => {
  const m = await createAlbertMethod(teacher, { target: TARGET, embeddingSize: 8 });
  const b = batch();
  try {
    const layerVars = Object.keys(m.variables()).filter((n) => n.includes('albert_layer_groups'));
    assert.equal(layerVars.length, 16, 'one layer: q, k, v, dense, 2 LayerNorms, ffn, ffn_output (weights and biases)');
    assert.ok(layerVars.every((n) => n.startsWith(albertLayerPrefix(0, 0))));
    const q = `${albertLayerPrefix(0, 0)}attention.query.weight`;
    const shared = tf.variableGrads(() => m.loss(b, 0).total, [m.variables()[q]]);
    // the same weights written out as two unshared groups (one per application): their gradients must add up to it
    const cfg = { ...m.studentConfig, numHiddenGroups: 2 };
    const base = m.variables();
    const copies = [0, 1].map(() => tf.clone(base[q]));
    const grads = tf.grads((q0: tf.Tensor, q1: tf.Tensor) => {
      const w: Record<string, tf.Tensor> = { ...base };
      for (const [name, t] of Object.entries(base)) if (name.startsWith(albertLayerPrefix(0, 0))) w[name.replace('albert_layer_groups.0', 'albert_layer_groups.1')] = t;
      w[q] = q0;
      w[q.replace('albert_layer_groups.0', 'albert_layer_groups.1')] = q1;
      const s = albertForward(w, cfg, b);
      return maskedLmLoss(albertMlmHead(w, cfg, s.lastHiddenState), b.labels);
    })(copies);
    const sum = tf.add(grads[0], grads[1]);
    assert.ok(maxAbs(shared.grads[Object.keys(shared.grads)[0]], sum) < 1e-6, 'gradient of the shared layer = Σ over applications');
    assert.ok(maxAbs(grads[0], grads[1]) > 1e-6, 'the two applications contribute different gradients');
    tf.dispose([...copies, ...grads, sum, shared.value, ...Object.values(shared.grads)]);
  } finally {
    tf.dispose(Object.values(b));
    m.dispose();
  }
});

test('the shared layer starts as the chosen teacher layer, or as the mean of all teacher layers', async () => {
  const full = { layers: 2, hidden: 64, heads: 4, intermediate: 128 };
  const q = `${albertLayerPrefix(0, 0)}attention.query.weight`;
  const t = (l: number) => teacher.weights[`bert.encoder.layer.${l}.attention.self.query.weight`];
  // (one method at a time: the student's variable names are global in tfjs)
  const one = await createAlbertMethod(teacher, { target: full, sharedLayer: 1 });
  try { assert.equal(maxAbs(one.variables()[q], t(1)), 0); } finally { one.dispose(); }
  const avg = await createAlbertMethod(teacher, { target: full, sharedInit: 'average' });
  try { assert.ok(maxAbs(avg.variables()[q], tf.div(tf.add(t(0), t(1)), 2)) < 1e-7); } finally { avg.dispose(); }
  const dflt = resolveAlbertSetup(teacher.config, { target: full });
  assert.equal(dflt.sharedLayer, 0, 'default: the middle teacher layer, floor((2 − 1) / 2) = 0');
});

test('logit distillation is a named option: alpha.kd adds KL(teacher ‖ student) × T² to the MLM loss', async () => {
  const b = batch();
  const plain = await createAlbertMethod(teacher, { target: TARGET, embeddingSize: 8 });
  try {
    const p = plain.loss(b, 0);
    assert.deepEqual(Object.keys(p.parts), ['mlm']);
    tf.dispose([p.total, ...Object.values(p.parts)]);
  } finally { plain.dispose(); }
  const kd = await createAlbertMethod(teacher, { target: TARGET, embeddingSize: 8, alpha: { mlm: 1, kd: 2 } });
  try {
    const k = kd.loss(b, 0);
    assert.deepEqual(Object.keys(k.parts).sort(), ['kd', 'mlm']);
    const total = k.total.dataSync()[0], parts = k.parts.mlm.dataSync()[0] + 2 * k.parts.kd.dataSync()[0];
    assert.ok(Math.abs(total - parts) < 1e-4);
    assert.ok(k.parts.kd.dataSync()[0] > 0);
    tf.dispose([k.total, ...Object.values(k.parts)]);
  } finally {
    tf.dispose(Object.values(b));
    kd.dispose();
  }
});

test('bad ALBERT sizes and options are refused naming the field', () => {
  const student = (o: Record<string, unknown>) => distillMethodOptions('albert', o, teacher.config);
  assert.throws(() => student({ target: { ...TARGET, hidden: 128, heads: 4 } }), /albert: target.hidden \(128\) must be <= the teacher's hidden size \(64\)/);
  assert.throws(() => student({ target: { ...TARGET, hidden: 30, heads: 4 } }), /target.hidden \(30\) must be divisible by target.heads \(4\)/);
  assert.throws(() => student({ target: TARGET, albert: { embeddingSize: 40 } }), /albert.embeddingSize \(40\) must be <= target.hidden \(32\)/);
  assert.throws(() => student({ albert: { sop: 'yes' } }), /albert\.sop: expected true or false/);
  assert.throws(() => student({ albert: { alpha: { sop: -1 } } }), /albert\.alpha\.sop: expected a number >= 0/);
  assert.throws(() => student({ albert: { sharedLayer: 5 } }), /albert.sharedLayer \(5\) must be a teacher layer from 0 to 1/);
  assert.throws(() => student({ albert: { tempreature: 2 } }), /albert\.tempreature: unknown option; expected one of .*temperature/);
  const ok = student({});
  assert.equal(ok.family, 'albert');
});

test('ALBERT on the tiny teacher: loss falls and the exported student loads as AlbertForMaskedLM', async () => {
  const before = tf.memory().numTensors;
  const run = await tinyRun(teacher, await createAlbertMethod(teacher, { target: TARGET, embeddingSize: 8, seed: 1 }), 10, 2e-3, { family: 'albert', warmupSteps: 1 });
  const first = run.losses.slice(0, 3).reduce((a, b) => a + b) / 3, last = run.losses.slice(-3).reduce((a, b) => a + b) / 3;
  assert.ok(last < first, `loss ${first} -> ${last}`);
  assert.equal(run.reloaded.family, 'albert');
  assert.equal(run.reloaded.architecture, 'AlbertForMaskedLM');
  disposeWeights(run.reloaded.weights);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});
