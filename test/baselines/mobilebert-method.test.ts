// The `mobilebert` method: a bottleneck student trained by layer-wise feature-map transfer (MSE through learned
// linear maps) and attention transfer (KL(teacher ‖ student)), progressive or joint, then pre-training distillation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights } from '../../src-main/engine/bert/index.js';
import { loadHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { mobileBertForward } from '../../src-main/engine/mobilebert/index.js';
import { attentionKl, createMobileBertMethod, mapFeatures, stageAt } from '../../src-main/engine/methods/mobilebert/index.js';
import { authorsLearningRate, backgroundRate, layerWiseFactor } from '../../src-main/engine/methods/mobilebert/layer-wise-lr.js';
import { meanSquaredError } from '../../src-main/engine/methods/common/losses.js';
import { distillMethodOptions } from '../../src-main/engine/jobs/distill-options.js';
import { TINY_TEACHER } from './support/tiny-run.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';
import { corpusTokenizer } from './support/corpus-tokenizer.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
import { tinyRun } from './support/tiny-run.js';

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

const TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
const read = (t: tf.Tensor) => t.dataSync()[0];

function batch() {
  const inputIds = tf.tensor2d([[2, 40, 41, 4, 43, 3], [2, 50, 4, 52, 3, 0]], undefined, 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]], undefined, 'int32');
  const labels = tf.tensor2d([[-100, -100, -100, 42, -100, -100], [-100, -100, 51, -100, -100, -100]], undefined, 'int32');
  return { inputIds, attentionMask, tokenTypeIds: tf.zerosLike(inputIds) as tf.Tensor2D, labels };
}

test('attention transfer is KL(teacher ‖ student) averaged over heads and real query positions, not the reverse', () => {
  // one head, 2 queries (the second padded), 2 keys: teacher row (0.9, 0.1), student row (0.5, 0.5)
  const t = tf.tensor4d([0.9, 0.1, 0.2, 0.8], [1, 1, 2, 2]), s = tf.tensor4d([0.5, 0.5, 0.99, 0.01], [1, 1, 2, 2]);
  const mask = tf.tensor2d([[1, 0]], undefined, 'int32');
  const forward = 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5); // KL(t‖s) = 0.36806
  const reverse = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1); // KL(s‖t) = 0.51083
  const got = read(attentionKl(t, s, mask));
  assert.ok(Math.abs(got - forward) < 1e-5, `KL ${got}, expected KL(teacher‖student) ${forward}`);
  assert.ok(Math.abs(got - reverse) > 0.1, 'not KL(student‖teacher)');
  // no gradient reaches the teacher side
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => attentionKl(a as tf.Tensor4D, b as tf.Tensor4D, mask))([t, s]);
  assert.equal(read(tf.max(tf.abs(g[0]))), 0);
  assert.ok(read(tf.max(tf.abs(g[1]))) > 0);
  tf.dispose([t, s, mask, ...g]);
});

test('the bottleneck student projects H → T into each block and T → H out of it, with a trigram embedding of 3E', () => {
  const m = createMobileBertMethod(teacher, { target: TARGET });
  try {
    const c = m.studentConfig, v = m.variables();
    assert.equal(c.intraBottleneckSize, 8, 'T = hidden / 4 to a multiple of the heads');
    assert.equal(c.embeddingSize, 8);
    assert.equal(c.intermediateSize, 32);
    assert.deepEqual(v['mobilebert.encoder.layer.0.bottleneck.input.dense.weight'].shape, [8, 32]);
    assert.deepEqual(v['mobilebert.encoder.layer.0.bottleneck.attention.dense.weight'].shape, [8, 32]);
    assert.deepEqual(v['mobilebert.encoder.layer.0.output.bottleneck.dense.weight'].shape, [32, 8]);
    assert.deepEqual(v['mobilebert.embeddings.embedding_transformation.weight'].shape, [32, 24]);
    assert.equal(Object.keys(v).filter((n) => /layer\.0\.ffn\.\d+\.intermediate\.dense\.weight/.test(n)).length, 3, '4 stacked FFNs');
    assert.deepEqual(m.featureMaps()['feature_map.0.weight'].shape, [64, 32], 'learned map H_s → H_t per layer');
    assert.equal(m.attentionMode, 'per-head');
  } finally {
    m.dispose();
  }
});

test('feature-map transfer compares student layer m, through its map, with teacher layer layerMap[m]', () => {
  const b = batch();
  for (const layerMap of [[0, 1], [1, 1]]) {
    const m = createMobileBertMethod(teacher, { target: TARGET, layerMap, schedule: 'joint', attentionDropout: 0 });
    try {
      m.stepKey!(0, 10);
      const r = m.loss(b, 0);
      const expected = tf.tidy(() => {
        const t = bertForward(teacher.weights, teacher.config, b, { outputHiddenStates: true }).hiddenStates!;
        const s = mobileBertForward(m.variables(), m.studentConfig, b, { outputHiddenStates: true }).hiddenStates!;
        return tf.addN([0, 1].map((i) => meanSquaredError(mapFeatures(m.featureMaps(), i, s[i + 1]), t[layerMap[i] + 1])));
      });
      assert.ok(Math.abs(read(r.parts.featureMap) - read(expected)) < 1e-5, `layer map ${layerMap}`);
      tf.dispose([expected, r.total, ...Object.values(r.parts)]);
    } finally {
      m.dispose();
    }
  }
  tf.dispose(Object.values(b));
  assert.deepEqual(createMobileBertMethodMap(), [0, 1], 'default: uniform round((m + 1)·L/M) − 1');
});

function createMobileBertMethodMap(): number[] {
  const m = createMobileBertMethod(teacher, { target: TARGET });
  try { return m.layerMap; } finally { m.dispose(); }
}

test('lowerLayers frozen: a progressive stage trains its layer only, lower layers and embeddings get no gradient', () => {
  const b = batch();
  const m = createMobileBertMethod(teacher, { target: TARGET, transferFraction: 0.5, lowerLayers: 'frozen' });
  try {
    const total = 10; // transfer: steps 0–4 (layer 0: 0–2, layer 1: 3–4), then distillation
    assert.equal(m.stepKey!(3, total), 'mobilebert/transfer-1');
    const vars = m.trainableVariables();
    const { value, grads } = tf.variableGrads(() => m.loss(b, 3).total, vars);
    const frozen = m.frozenVariables!(3, total);
    const lower = vars.filter((v) => /^mobilebert\/mobilebert\.(embeddings\.|encoder\.layer\.0\.)/.test(v.name)).map((v) => v.name);
    assert.deepEqual([...frozen].sort(), lower.sort(), 'embeddings and layer 0 are frozen (the loop drops their gradients)');
    for (const n of lower) assert.equal(read(tf.max(tf.abs(grads[n]))), 0, `${n} gets no gradient through the stage layer`);
    assert.ok(read(tf.max(tf.abs(grads['mobilebert/mobilebert.encoder.layer.1.attention.self.query.weight']))) > 0, 'the stage layer learns');
    assert.ok(grads['mobilebert/feature_map.1.weight'], 'the stage layer\'s feature map learns');
    assert.ok(!grads['mobilebert/feature_map.0.weight'], 'the other layers\' maps are not in this stage\'s loss');
    assert.equal(m.frozenVariables!(7, total).size, 0, 'nothing is frozen in pre-training distillation');
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose(Object.values(b));
    m.dispose();
  }
});

test("the authors' background rate: linear warm-up over a phase's first tenth, then sqrt decay to 0.9", () => {
  // distill_util.py get_background_lr: min(polynomial_decay(1 -> 0.9, power 0.5), polynomial_decay(0 -> 10, power 1))
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  close(backgroundRate(0), 0);
  close(backgroundRate(0.05), 0.5);
  close(backgroundRate(0.1), 0.1 * Math.sqrt(0.9) + 0.9);
  close(backgroundRate(0.5), 0.1 * Math.sqrt(0.5) + 0.9);
  close(backgroundRate(1), 0.9);
  assert.throws(() => backgroundRate(-0.1), /phase position must be in \[0, 1\]/);
});

test("lowerLayers authors (default): the stage layer at 3× the background rate, the layers below at 0.1 of that, the rest not at all", () => {
  assert.equal(layerWiseFactor('mobilebert.encoder.layer.1.attention.self.query.weight', 1), 3);
  assert.equal(layerWiseFactor('mobilebert.encoder.layer.0.attention.self.query.weight', 1), 0.30000000000000004);
  assert.equal(layerWiseFactor('mobilebert.encoder.layer.2.attention.self.query.weight', 1), 0, 'a layer above waits for its phase');
  assert.equal(layerWiseFactor('feature_map.1.weight', 1), 3, 'a feature map learns with its layer');
  assert.equal(layerWiseFactor('feature_map.0.weight', 1), 0, 'a map is in its own phase\'s loss only');
  assert.equal(layerWiseFactor('mobilebert.embeddings.word_embeddings.weight', 1), 0);
  assert.equal(layerWiseFactor('mobilebert.embeddings.word_embeddings.weight', 0), 3, 'ours start random: they learn with layer 0');
  assert.equal(layerWiseFactor('cls.predictions.transform.dense.weight', 0), 0);

  const b = batch();
  const m = createMobileBertMethod(teacher, { target: TARGET, transferFraction: 0.5 });
  try {
    const total = 10; // transfer: steps 0–4 (layer 0: 0–2, layer 1: 3–4), then distillation
    assert.equal(m.options.lowerLayers, 'authors');
    assert.equal(m.stepKey!(3, total), 'mobilebert/transfer-1');
    const name = (n: string) => `mobilebert/${n}`;
    assert.equal(m.learningRateScale!(name('mobilebert.encoder.layer.1.attention.self.query.weight'), 3, total), 3);
    assert.ok(Math.abs(m.learningRateScale!(name('mobilebert.encoder.layer.0.attention.self.query.weight'), 3, total) - 0.3) < 1e-12);
    assert.equal(m.learningRateScale!(name('mobilebert.encoder.layer.0.attention.self.query.weight'), 7, total), 1, 'distillation: every variable at the run rate');
    // step 3 sits at 3·2/5 − 1 = 0.2 of layer 1's phase; step 7 is step 2 of the 5 distillation steps (warm-up 1)
    assert.ok(Math.abs(m.learningRateAt!(3, total, 1e-3, 1)! - 1e-3 * (0.1 * Math.sqrt(0.8) + 0.9)) < 1e-15);
    assert.ok(Math.abs(m.learningRateAt!(7, total, 1e-3, 1)! - 1e-3 * 3 / 4) < 1e-15);
    assert.equal(authorsLearningRate(2, total, { kind: 'transfer', layer: null }, { lr: 1e-3, warmupSteps: 1, transferSteps: 5, layers: 2 }), 1e-3);

    const vars = m.trainableVariables();
    const { value, grads } = tf.variableGrads(() => m.loss(b, 3).total, vars);
    const frozen = m.frozenVariables!(3, total);
    const q0 = name('mobilebert.encoder.layer.0.attention.self.query.weight');
    assert.ok(read(tf.max(tf.abs(grads[q0]))) > 0, 'the gradient reaches the layers below the stage layer');
    assert.ok(!frozen.has(q0), 'and they learn, at 0.3×');
    assert.ok(frozen.has(name('mobilebert.embeddings.word_embeddings.weight')), 'embeddings wait after stage 0');
    assert.ok(frozen.has(name('feature_map.0.weight')) && !frozen.has(name('feature_map.1.weight')));
    assert.ok([...frozen].every((n) => m.learningRateScale!(n, 3, total) === 0), 'frozen = rate 0');
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose(Object.values(b));
    m.dispose();
  }
});

test('the loop runs the method\'s schedule and rates: in stage 1 layer 0 keeps learning under authors, not when frozen', async () => {
  const q0 = 'mobilebert.encoder.layer.0.attention.self.query.weight';
  const track = async (lowerLayers: 'authors' | 'frozen') => {
    const m = createMobileBertMethod(teacher, { target: TARGET, transferFraction: 0.5, lowerLayers, seed: 1 });
    const snaps: Float32Array[] = [];
    const lrs: number[] = [];
    const scales = new Map<string, number>();
    const scaleOf = m.learningRateScale;
    const method = scaleOf ? { ...m, learningRateScale: (n: string, step: number, total: number) => {
      const f = scaleOf(n, step, total);
      scales.set(`${n}@${step}`, f);
      return f;
    } } : m;
    await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS, budget: { steps: 8, seqLen: 32, batchSize: 4 },
      optimizer: { lr: 1e-3, warmupSteps: 1, weightDecay: 0, clipNorm: 1 }, seed: 3, checkpointEvery: 0,
      workDir: mkdtempSync(join(tmpdir(), 'wid-mobilebert-lr-')),
      onProgress: (p) => { lrs[p.step] = p.values.lr; snaps[p.step] = m.variables()[q0].dataSync() as Float32Array; },
    });
    m.dispose();
    return { snaps, lrs, scales };
  };
  const changed = (a: Float32Array, b: Float32Array) => a.some((x, i) => x !== b[i]);
  const authors = await track('authors');
  // transfer steps 0–3 (layer 0: 0–1, layer 1: 2–3); progress step s reports after step s (1-based: s = index + 1)
  assert.ok(changed(authors.snaps[3], authors.snaps[4]), 'layer 0 learns in layer 1\'s phase (authors)');
  assert.ok(Math.abs(authors.lrs[1] - 0) < 1e-12, 'each phase starts its background warm-up at 0');
  assert.ok(Math.abs(authors.lrs[3] - 1e-3 * 0) < 1e-12);
  assert.ok(Math.abs(authors.lrs[4] - 1e-3 * backgroundRate(0.5)) < 1e-9, `lr ${authors.lrs[4]}`);
  assert.ok(Math.abs(authors.scales.get(`mobilebert/${q0}@3`)! - 0.3) < 1e-12, 'AdamW ran layer 0 at 0.3× in layer 1\'s phase');
  assert.equal(authors.scales.get(`mobilebert/${q0}@1`), 3, 'and at 3× in its own');
  const frozen = await track('frozen');
  assert.ok(!changed(frozen.snaps[3], frozen.snaps[4]), 'layer 0 waits in layer 1\'s phase (frozen)');
});

test('the schedule: progressive stages one layer at a time, joint all at once, then pre-training distillation', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((s) => stageAt(s, 10, 2, 'progressive', 0.5)),
    [{ kind: 'transfer', layer: 0 }, { kind: 'transfer', layer: 0 }, { kind: 'transfer', layer: 0 }, { kind: 'transfer', layer: 1 },
      { kind: 'transfer', layer: 1 }, { kind: 'distill' }, { kind: 'distill' }]);
  assert.deepEqual(stageAt(2, 10, 2, 'joint', 0.5), { kind: 'transfer', layer: null });
  const b = batch();
  const m = createMobileBertMethod(teacher, { target: TARGET, alpha: 0.25 });
  try {
    assert.equal(m.stepKey!(7, 10), 'mobilebert/distill');
    const r = m.loss(b, 7);
    assert.deepEqual(Object.keys(r.parts).sort(), ['kd', 'mlm']);
    assert.ok(Math.abs(read(r.total) - (0.25 * read(r.parts.mlm) + 0.75 * read(r.parts.kd))) < 1e-4, 'L = α·MLM + (1 − α)·KD');
    tf.dispose([r.total, ...Object.values(r.parts)]);
  } finally {
    tf.dispose(Object.values(b));
    m.dispose();
  }
});

test('bad MobileBERT sizes and options are refused naming the field', () => {
  const student = (o: Record<string, unknown>) => distillMethodOptions('mobilebert', o, teacher.config);
  assert.throws(() => student({ target: { ...TARGET, hidden: 128 } }), /mobilebert: target.hidden \(128\) must be <= the teacher's hidden size \(64\)/);
  assert.throws(() => student({ target: { ...TARGET, layers: 3 } }), /mobilebert: target.layers \(3\) must be <= the teacher's number of layers \(2\)/);
  assert.throws(() => student({ target: TARGET, mobilebert: { intermediateSize: 4096 } }), /would be larger than the teacher/);
  assert.throws(() => student({ mobilebert: { schedule: 'stagewise' } }), /mobilebert\.schedule: expected one of "progressive", "joint", got "stagewise"/);
  assert.throws(() => student({ target: TARGET, mobilebert: { layerMap: [0, 2] } }), /mobilebert.layerMap\[1\] must be a teacher layer index in 0..1/);
  assert.equal(student({}).family, 'mobilebert');
});

test('MobileBERT on the tiny teacher: the transfer loss falls and the exported student loads as MobileBertForMaskedLM', async () => {
  const before = tf.memory().numTensors;
  const run = await tinyRun(teacher, createMobileBertMethod(teacher, { target: TARGET, schedule: 'joint', transferFraction: 0.9, seed: 1 }), 10, 3e-3, { family: 'mobilebert', warmupSteps: 1 });
  const fm = run.parts.featureMap;
  assert.ok(fm.at(-2)! < fm[0], `feature-map loss ${fm[0]} -> ${fm.at(-2)}`);
  assert.equal(run.reloaded.family, 'mobilebert');
  assert.equal(run.reloaded.architecture, 'MobileBertForMaskedLM');
  disposeWeights(run.reloaded.weights);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});
