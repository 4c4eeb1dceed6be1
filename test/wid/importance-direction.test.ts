// Direction and input of each WID importance criterion (importance.ts, docs/wid.md §3), on a hand-built teacher
// and hand-set compactors where, in every group (residual, per-head attention dims, FFN units), one dim is dead
// (zero in every matrix that votes for it) and one dominant. Every matrix is rank one, outer(a, b): its row norms
// follow a and its column norms follow b, so the side a criterion reads decides which profile it sees. The side it
// must not read carries the profile reversed (dead and dominant swapped; on the teacher, another group's profile
// chosen so its dead dim is live), and matrices a criterion must not read carry reversed profiles, so a criterion
// that reads the wrong side, negates its score or reads the wrong matrices keeps the dead dim or drops the dominant one.
// Each test checks the scores themselves (dead = 0, dominant = the largest) and the masks a WID run cuts from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { BertConfig, BertWeights, disposeWeights, initBertWeights } from '../../src-main/engine/bert/index.js';
import { createWidMethod, type WidMasks, type WidMethod } from '../../src-main/engine/methods/wid/index.js';
import { Compactors, EMBEDDING_COMPACTOR, MLM_TRANSFORM } from '../../src-main/engine/methods/wid/compactors.js';
import { fullMasks } from '../../src-main/engine/methods/wid/masks.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors } from '../../src-main/engine/methods/wid/effective-weights.js';
import {
  authorsCompactorScores, compactorScores, disposeScoreTensors, effectiveScores, readScoresAsync,
  type DimScores, type DimScoreTensors, type ImportanceCriterion,
} from '../../src-main/engine/methods/wid/importance.js';

// intermediate = hidden, so a score read from the wrong side of a matrix still has the right length and the
// assertions (not a shape error) catch it
const cfg: BertConfig = {
  vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 8,
  maxPositionEmbeddings: 6, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};
const L = cfg.numHiddenLayers;

interface Profile { values: number[]; dead: number; dominant: number }
// dead + dominant = 7 in each, so reversing a profile swaps its dead and dominant dims
const RES: Profile = { values: [0.5, 0.7, 0, 0.6, 0.8, 3, 0.9, 0.4], dead: 2, dominant: 5 };
// attention inner dims p = head·4 + dim: the dominant dim is in head 0, the dead one in head 1
const ATT: Profile[] = [
  { values: [0.6, 0.5, 3, 0.7, 0.8, 0, 0.9, 0.4], dead: 5, dominant: 2 },
  { values: [0.7, 3, 0.9, 0.6, 0.5, 0.4, 0, 0.8], dead: 6, dominant: 1 },
];
const FFN: Profile[] = [
  { values: [0.4, 0.6, 3, 0.9, 0.7, 0, 0.8, 0.5], dead: 5, dominant: 2 },
  { values: [0, 0.7, 0.9, 0.5, 0.6, 0.4, 0.8, 3], dead: 0, dominant: 7 },
];
const rev = (p: number[]) => [...p].reverse();

// target 4 hidden = 2 heads × 2 dims, 4 FFN units: what the profiles keep (top 4 / top 2 per head / top 4)
const target = { hidden: 4, heads: 2, intermediate: 4 };
const KEPT: WidMasks = {
  residual: [1, 4, 5, 6],
  heads: [[0, 1], [0, 1]],
  headDims: [[[2, 3], [0, 2]], [[1, 2], [0, 3]]],
  intermediate: [[2, 3, 4, 6], [1, 2, 6, 7]],
};

const outer = (a: number[], b: number[]) => tf.tidy(() => tf.outerProduct(tf.tensor1d(a), tf.tensor1d(b)));
/** A rank-one matrix whose `side` (the kept-dim side) follows p and whose other side follows p reversed. */
const shaped = (p: number[], side: 'rows' | 'cols') => (side === 'cols' ? outer(rev(p), p) : outer(p, rev(p)));

/**
 * A teacher whose every voting matrix follows the profiles (reversed ones with `reversed`): embeddings and the MLM
 * transform read the residual profile on their residual side; Q/K/V and O are outer(attention, residual) and its
 * transpose; FFN-in and FFN-out are outer(ffn, residual) and its transpose. The attention and FFN profiles are
 * nearly the residual one reversed, so reading the other side of a teacher matrix flips the choice too.
 */
function profileTeacher(reversed = false): BertWeights {
  const f = (p: number[]) => (reversed ? rev(p) : p);
  const w = initBertWeights(cfg, 7, { mlmHead: true });
  const set = (name: string, t: tf.Tensor) => { w[name].dispose(); w[name] = t; };
  const ramp = (n: number) => Array.from({ length: n }, (_, i) => 0.5 + 0.1 * i);
  set('bert.embeddings.word_embeddings.weight', outer(ramp(cfg.vocabSize), f(RES.values)));
  set('bert.embeddings.position_embeddings.weight', outer(ramp(cfg.maxPositionEmbeddings), f(RES.values)));
  set('bert.embeddings.token_type_embeddings.weight', outer(ramp(cfg.typeVocabSize), f(RES.values)));
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const qkv of ['query', 'key', 'value']) set(`${p}attention.self.${qkv}.weight`, outer(f(ATT[l].values), f(RES.values)));
    set(`${p}attention.output.dense.weight`, outer(f(RES.values), f(ATT[l].values)));
    set(`${p}intermediate.dense.weight`, outer(f(FFN[l].values), f(RES.values)));
    set(`${p}output.dense.weight`, outer(f(RES.values), f(FFN[l].values)));
  }
  set(`${MLM_TRANSFORM}.weight`, outer(f(RES.values), f(RES.values)));
  return w;
}

/**
 * Every compactor shaped by its group's profile on its kept-dim side (`.col`: columns, `.row` and the embedding
 * compactor: rows) and the reverse on the other; a `decoy` carries the reversed profile on both sides.
 */
function compactorLayout(decoy: (key: string) => boolean = () => false): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  const put = (key: string, p: number[], side: 'rows' | 'cols') => { out[key] = decoy(key) ? outer(rev(p), rev(p)) : shaped(p, side); };
  put(EMBEDDING_COMPACTOR, RES.values, 'rows');
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const qkv of ['query', 'key', 'value']) {
      put(`${p}attention.self.${qkv}.col`, RES.values, 'cols');
      put(`${p}attention.self.${qkv}.row`, ATT[l].values, 'rows');
    }
    put(`${p}attention.output.dense.col`, ATT[l].values, 'cols');
    put(`${p}attention.output.dense.row`, RES.values, 'rows');
    put(`${p}intermediate.dense.col`, RES.values, 'cols');
    put(`${p}intermediate.dense.row`, FFN[l].values, 'rows');
    put(`${p}output.dense.col`, FFN[l].values, 'cols');
    put(`${p}output.dense.row`, RES.values, 'rows');
  }
  put(`${MLM_TRANSFORM}.col`, RES.values, 'cols');
  put(`${MLM_TRANSFORM}.row`, RES.values, 'rows');
  return out;
}

/** Identity compactors except a 0 on the diagonal at the dim each group's `zero` names (per layer for attention/FFN). */
function zeroingCompactors(zero: { residual: number; attention: number[]; intermediate: number[] }): Record<string, tf.Tensor> {
  const diag = (n: number, d: number) => tf.tidy(() => tf.mul(tf.eye(n), tf.sub(1, tf.oneHot(tf.tensor1d([d], 'int32'), n))));
  const out: Record<string, tf.Tensor> = {};
  out[EMBEDDING_COMPACTOR] = diag(8, zero.residual);
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const qkv of ['query', 'key', 'value']) {
      out[`${p}attention.self.${qkv}.col`] = diag(8, zero.residual);
      out[`${p}attention.self.${qkv}.row`] = diag(8, zero.attention[l]);
    }
    out[`${p}attention.output.dense.col`] = diag(8, zero.attention[l]);
    out[`${p}attention.output.dense.row`] = diag(8, zero.residual);
    out[`${p}intermediate.dense.col`] = diag(8, zero.residual);
    out[`${p}intermediate.dense.row`] = diag(8, zero.intermediate[l]);
    out[`${p}output.dense.col`] = diag(8, zero.intermediate[l]);
    out[`${p}output.dense.row`] = diag(8, zero.residual);
  }
  out[`${MLM_TRANSFORM}.col`] = diag(8, zero.residual);
  out[`${MLM_TRANSFORM}.row`] = diag(8, zero.residual);
  return out;
}

interface Setup { method: WidMethod; compactors: Compactors; teacher: BertWeights; prefix: string }

/** A WID run (frozen teacher) whose compactors hold `values`; `values` is disposed. */
function setup(criterion: ImportanceCriterion | undefined, teacher: BertWeights, values: Record<string, tf.Tensor> | null, prefix: string): Setup {
  const method = createWidMethod({ config: cfg, weights: teacher }, {
    target, ...(criterion ? { importance: criterion } : {}), teacherLr: 0, maskEvery: 1, variablePrefix: prefix,
  });
  const compactors: Compactors = {};
  for (const v of method.trainableVariables()) if (v.name.startsWith(prefix)) compactors[v.name.slice(prefix.length)] = v;
  if (values) {
    assert.deepEqual(Object.keys(values).sort(), Object.keys(compactors).sort(), 'the layout sets every compactor');
    for (const [k, t] of Object.entries(values)) compactors[k].assign(t);
    tf.dispose(Object.values(values));
  }
  return { method, compactors, teacher, prefix };
}

/** The scores the criterion's function gives at full masks (for 'effective': of the effective weights R·W·C). */
async function scoresOf(criterion: ImportanceCriterion, s: Setup): Promise<DimScores> {
  const full = fullMasks(cfg);
  const idx = maskIndexTensors(cfg, full);
  const t: DimScoreTensors = tf.tidy(() => {
    if (criterion === 'compactor') return authorsCompactorScores(s.compactors, cfg, full);
    if (criterion === 'compactor-all') return compactorScores(s.compactors, cfg, full);
    return effectiveScores(effectiveWeights(s.teacher, cfg, s.compactors, full, idx).weights, cfg);
  });
  disposeMaskIndexTensors(idx);
  try { return await readScoresAsync(t); } finally { disposeScoreTensors(t); }
}

const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

/** dead dims score exactly 0 (no voting matrix has anything there), every other dim more, the dominant one most. */
function assertScores(label: string, scores: number[], dead: number[], dominant: number): void {
  for (const d of dead) assert.ok(scores[d] === 0, `${label}: dead dim ${d} scores ${scores[d]} (${scores.map((x) => x.toFixed(3))})`);
  scores.forEach((x, i) => { if (!dead.includes(i)) assert.ok(x > 0, `${label}: live dim ${i} scores ${x}`); });
  assert.equal(argmax(scores), dominant, `${label}: largest score at ${argmax(scores)}, expected the dominant dim ${dominant} (${scores.map((x) => x.toFixed(3))})`);
}

function assertGroups(scores: DimScores, dead: { residual: number[]; attention: number[][]; intermediate: number[][] }, dominant: { residual: number; attention: number[]; intermediate: number[] }): void {
  assertScores('residual', scores.residual, dead.residual, dominant.residual);
  for (let l = 0; l < L; l++) {
    assertScores(`attention layer ${l}`, scores.attention[l], dead.attention[l], dominant.attention[l]);
    assertScores(`FFN layer ${l}`, scores.intermediate[l], dead.intermediate[l], dominant.intermediate[l]);
  }
}

const DEAD = { residual: [RES.dead], attention: ATT.map((a) => [a.dead]), intermediate: FFN.map((f) => [f.dead]) };
const DOMINANT = { residual: RES.dominant, attention: ATT.map((a) => a.dominant), intermediate: FFN.map((f) => f.dominant) };

/** One WID mask step (the authors' schedule, one step = the last: straight to the target) and its masks. */
async function cut(s: Setup): Promise<WidMasks> {
  await s.method.afterStepAsync(0, 1);
  return s.method.masks();
}

/** The masks keep the dominant dims and drop the dead ones of every group, and are exactly `expected`. */
function assertMasks(got: WidMasks, expected: WidMasks, dead: typeof DEAD, dominant: typeof DOMINANT): void {
  assert.ok(got.residual.includes(dominant.residual), `residual mask ${got.residual} drops the dominant dim ${dominant.residual}`);
  for (const d of dead.residual) assert.ok(!got.residual.includes(d), `residual mask ${got.residual} keeps the dead dim ${d}`);
  for (let l = 0; l < L; l++) {
    const kept = got.heads[l].flatMap((h, j) => got.headDims[l][j].map((d) => h * 4 + d));
    assert.ok(kept.includes(dominant.attention[l]), `layer ${l} attention keeps ${kept}, not the dominant dim ${dominant.attention[l]}`);
    for (const d of dead.attention[l]) assert.ok(!kept.includes(d), `layer ${l} attention keeps the dead dim ${d} (${kept})`);
    assert.ok(got.intermediate[l].includes(dominant.intermediate[l]), `layer ${l} FFN keeps ${got.intermediate[l]}, not the dominant unit ${dominant.intermediate[l]}`);
    for (const d of dead.intermediate[l]) assert.ok(!got.intermediate[l].includes(d), `layer ${l} FFN keeps the dead unit ${d} (${got.intermediate[l]})`);
  }
  assert.deepEqual(got, expected);
}

function done(s: Setup): void {
  s.method.dispose();
  disposeWeights(s.teacher);
}

test("'compactor' (the default) keeps the dims with the largest columns of layer 0's V, each O and each FFN-out column compactor, and reads no other compactor", async () => {
  await selectBackend('cpu');
  // the compactors the authors read carry the profiles on their columns (the reverse on their rows); every other
  // compactor sharing a mask, and the teacher, carry the reversed profiles as decoys
  const read = new Set(['bert.encoder.layer.0.attention.self.value.col']);
  for (let l = 0; l < L; l++) for (const m of ['attention.output.dense', 'output.dense']) read.add(`bert.encoder.layer.${l}.${m}.col`);
  const s = setup(undefined, profileTeacher(true), compactorLayout((key) => !read.has(key)), 'wid-dir-authors/');
  assert.equal(s.method.options.importance, 'compactor');
  assertGroups(await scoresOf('compactor', s), DEAD, DOMINANT);
  assertMasks(await cut(s), KEPT, DEAD, DOMINANT);
  done(s);
});

test("'compactor-all' keeps the dims every compactor sharing the mask votes for (columns of column compactors, rows of row compactors), not the teacher's", async () => {
  await selectBackend('cpu');
  // the teacher carries the reversed profiles: a criterion reading it instead of the compactors keeps the wrong dims
  const s = setup('compactor-all', profileTeacher(true), compactorLayout(), 'wid-dir-call/');
  assertGroups(await scoresOf('compactor-all', s), DEAD, DOMINANT);
  assertMasks(await cut(s), KEPT, DEAD, DOMINANT);
  done(s);
});

test("'effective' keeps the dims whose effective weights are largest: consumer columns and producer rows (identity compactors, so the teacher's)", async () => {
  await selectBackend('cpu');
  const s = setup('effective', profileTeacher(), null, 'wid-dir-eff/');
  assertGroups(await scoresOf('effective', s), DEAD, DOMINANT);
  assertMasks(await cut(s), KEPT, DEAD, DOMINANT);
  done(s);
});

test("'effective' scores the effective weights R·W·C, not the teacher: compactors that zero the teacher's dominant dims make them lose", async () => {
  await selectBackend('cpu');
  // every compactor acting on the teacher's dominant residual / attention / FFN dims zeroes it
  const zero = { residual: RES.dominant, attention: ATT.map((a) => a.dominant), intermediate: FFN.map((f) => f.dominant) };
  const s = setup('effective', profileTeacher(), zeroingCompactors(zero), 'wid-dir-eff-rwc/');
  // now both the teacher's dead dim and its (zeroed) dominant dim score 0; the next largest teacher dim wins
  const dead = { residual: [RES.dead, RES.dominant], attention: ATT.map((a) => [a.dead, a.dominant]), intermediate: FFN.map((f) => [f.dead, f.dominant]) };
  const second = (p: Profile) => argmax(p.values.map((x, i) => (i === p.dominant ? -1 : x)));
  const dominant = { residual: second(RES), attention: ATT.map(second), intermediate: FFN.map(second) };
  assert.deepEqual(dominant, { residual: 6, attention: [6, 2], intermediate: [3, 2] });
  assertGroups(await scoresOf('effective', s), dead, dominant);
  assertMasks(await cut(s), {
    residual: [1, 3, 4, 6],
    heads: [[0, 1], [0, 1]],
    headDims: [[[0, 3], [0, 2]], [[0, 2], [0, 3]]],
    intermediate: [[1, 3, 4, 6], [1, 2, 4, 6]],
  }, dead, dominant);
  done(s);
});
