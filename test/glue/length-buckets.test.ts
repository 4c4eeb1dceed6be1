import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketFor, lengthBuckets } from '../../src-main/engine/glue/length-buckets.js';

test('buckets end at maxLength and every length up to it has exactly one smallest bucket', () => {
  assert.deepEqual(lengthBuckets(128), [16, 32, 48, 64, 96, 128]);
  assert.deepEqual(lengthBuckets(100), [16, 32, 48, 64, 96, 100]);
  assert.deepEqual(lengthBuckets(10), [10]);
  const b = lengthBuckets(128);
  assert.equal(bucketFor(1, b), 16);
  assert.equal(bucketFor(16, b), 16);
  assert.equal(bucketFor(17, b), 32);
  assert.equal(bucketFor(97, b), 128);
  assert.equal(bucketFor(128, b), 128);
  assert.throws(() => bucketFor(129, b), /longer than the largest bucket/);
  assert.throws(() => lengthBuckets(0), /positive integer/);
});
