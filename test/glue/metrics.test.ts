import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, f1, matthewsCorrelation, pearson, spearman, averageRanks, glueMetrics, glueTaskScore } from '../../src-main/engine/glue/metrics.js';

// Hand-computed case: tp=3, fp=1, fn=1, tn=3.
const preds = [1, 1, 0, 1, 0, 0, 1, 0];
const labels = [1, 0, 0, 1, 1, 0, 1, 0];

test('accuracy is the fraction of exact matches (6 of 8)', () => {
  assert.equal(accuracy(preds, labels), 0.75);
});

test('f1 is that of the positive class: 2tp / (2tp + fp + fn) = 6/8', () => {
  assert.equal(f1(preds, labels), 0.75);
  assert.equal(f1([0, 0], [1, 0]), 0, 'no predicted positives gives 0, as sklearn');
});

test('Matthews correlation is (tp·tn − fp·fn)/sqrt(...) = 8/16, and 0 when undefined', () => {
  assert.equal(matthewsCorrelation(preds, labels), 0.5);
  assert.equal(matthewsCorrelation([1, 1, 1, 1], [1, 0, 1, 0]), 0);
  assert.equal(matthewsCorrelation([1, 0, 1, 0], [0, 1, 0, 1]), -1);
});

// Reference values from scipy 1.x: scipy.stats.pearsonr / spearmanr / rankdata on these vectors.
const xs = [0.5, 2.0, 2.0, 3.5, 1.0, 4.0, 4.0, 4.0, 0.0, 5.0];
const ys = [1.0, 1.8, 2.5, 3.0, 0.2, 4.2, 3.9, 4.4, 0.5, 4.8];

test('Pearson matches scipy.stats.pearsonr', () => {
  assert.ok(Math.abs(pearson(xs, ys) - 0.9637774242663749) < 1e-12);
});

test('ties get average ranks, as scipy.stats.rankdata', () => {
  assert.deepEqual(averageRanks(xs), [2, 4.5, 4.5, 6, 3, 8, 8, 8, 1, 10]);
});

test('Spearman (with ties) matches scipy.stats.spearmanr', () => {
  assert.ok(Math.abs(spearman(xs, ys) - 0.947804480540862) < 1e-12);
});

test('each task reports the metrics GLUE defines for it and scores their mean', () => {
  assert.deepEqual(Object.keys(glueMetrics('MRPC', preds, labels)).sort(), ['accuracy', 'f1']);
  assert.deepEqual(Object.keys(glueMetrics('CoLA', preds, labels)), ['mcc']);
  assert.deepEqual(Object.keys(glueMetrics('STS-B', xs, ys)).sort(), ['pearson', 'spearman']);
  assert.deepEqual(Object.keys(glueMetrics('MNLI-mm', preds, labels)), ['accuracy']);
  assert.equal(glueTaskScore('MRPC', { f1: 0.75, accuracy: 0.25 }), 0.5);
  assert.equal(glueTaskScore('MRPC', { f1: 0.9 }), null, 'a missing metric leaves the task unscored');
});

test('mismatched lengths are an error naming both lengths', () => {
  assert.throws(() => accuracy([1, 0], [1]), /predictions \(2\) and labels \(1\)/);
});
