// 'auto' picks the tensor-core matmul only where it computes the right numbers: the self-check run at backend
// selection compares it with the fp32 kernel on small products and reports the first element out of the f16 bound.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { tensorCoreSelfCheck, type Product } from '../../src-main/engine/kernels/tensor-core-self-check.js';
import { matmulPrecision, setTensorCoresAvailable } from '../../src-main/engine/kernels/matmul-precision.js';

before(async () => { await selectBackend('cpu'); });

const exact: Product = async (c, a, b) => {
  const out = tf.matMul(a, b, c.transA, c.transB);
  const d = (await out.data()) as Float32Array;
  out.dispose();
  return d;
};

test('a tensor-core product equal to fp32 within the f16 bound passes; the precision chosen before is kept', async () => {
  setTensorCoresAvailable(true);
  try {
    // f16 rounding of both inputs, the error the real kernel has
    const f16ish: Product = async (c, a, b, p) => {
      if (p === 'fp32') return exact(c, a, b, p);
      const round = (t: tf.Tensor3D) => tf.tidy(() => tf.div(tf.round(tf.mul(t, 2048)), 2048) as tf.Tensor3D);
      const [ra, rb] = [round(a), round(b)];
      try { return await exact(c, ra, rb, p); } finally { tf.dispose([ra, rb]); }
    };
    const before = tf.memory().numTensors;
    assert.equal(await tensorCoreSelfCheck(7, f16ish), null);
    assert.equal(matmulPrecision(), 'fp32');
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  } finally {
    setTensorCoresAvailable(false);
  }
});

test('a wrong index map, an unwritten element or a NaN is reported with the shape and the element', async () => {
  setTensorCoresAvailable(true);
  try {
    const broken = (spoil: (d: Float32Array) => void): Product => async (c, a, b, p) => {
      const d = await exact(c, a, b, p);
      if (p === 'f16-tc') spoil(d);
      return d;
    };
    assert.match((await tensorCoreSelfCheck(7, broken((d) => d.reverse())))!, /tensor-core matmul is wrong on this device \(1×70×130×96, transA false, transB true: element \d+/);
    assert.match((await tensorCoreSelfCheck(7, broken((d) => { d[d.length - 1] = 0; })))!, /element 9099 /);
    assert.match((await tensorCoreSelfCheck(7, broken((d) => { d[5] = NaN; })))!, /element 5 is NaN/);
  } finally {
    setTensorCoresAvailable(false);
  }
});
