// `npm run bench -- albert-svd [--rows 4096] [--width 768] [--k 128] [--decay 0.5] [--no-jacobi]`: the truncated SVD
// that initialises ALBERT's factorised embedding (methods/albert/svd.ts), full Jacobi against power iteration, on a
// synthetic table whose singular values fall as i^-decay (a word table's slow decay) and whose Gram matrix is dense
// (random Householder reflections mix the columns). Prints CPU seconds of each, the power iteration's iterations, and
// how far its top-k singular values and subspace are from Jacobi's.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { truncatedSvd } from '../src-main/engine/methods/albert/svd.js';

function syntheticTable(rows: number, width: number, decay: number): tf.Tensor2D {
  return tf.tidy(() => {
    const scale = tf.tensor1d(Array.from({ length: width }, (_, i) => (i + 1) ** -decay));
    let t = tf.mul(tf.randomNormal([rows, width], 0, 1, 'float32', 7), scale) as tf.Tensor2D;
    for (let r = 0; r < 8; r++) {
      const v = tf.randomNormal([width, 1], 0, 1, 'float32', 100 + r);
      const u = tf.div(v, tf.norm(v));
      t = tf.sub(t, tf.mul(2, tf.matMul(tf.matMul(t, u), u, false, true))) as tf.Tensor2D;
    }
    return t;
  });
}

async function timedSvd(table: tf.Tensor2D, k: number, method: 'jacobi' | 'power') {
  // CPU seconds of this process, not wall time: the machine may be shared, and the eigen-solvers are single-threaded JS
  const c0 = process.cpuUsage();
  const f = await truncatedSvd(table, k, method);
  const c = process.cpuUsage(c0);
  return { ...f, seconds: (c.user + c.system) / 1e6 };
}

export async function main(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: {
    rows: { type: 'string', default: '4096' }, width: { type: 'string', default: '768' }, k: { type: 'string', default: '128' },
    decay: { type: 'string', default: '0.5' }, 'no-jacobi': { type: 'boolean', default: false }, backend: { type: 'string', default: 'wasm' },
  } });
  const rows = Number(values.rows), width = Number(values.width), k = Number(values.k), decay = Number(values.decay);
  await selectBackend(values.backend as 'wasm');
  const table = syntheticTable(rows, width, decay);
  const power = await timedSvd(table, k, 'power');
  const record: Record<string, unknown> = { rows, width, k, decay, powerSeconds: +power.seconds.toFixed(2) };
  console.log(`power iteration: ${power.seconds.toFixed(2)} s for the top ${k} of ${width} columns (${rows} rows)`);
  if (!values['no-jacobi']) {
    const exact = await timedSvd(table, k, 'jacobi');
    const sv = Math.max(...power.singularValues.slice(0, k).map((s, i) => Math.abs(s - exact.singularValues[i]))) / exact.singularValues[0];
    // subspace distance: ‖P_power − P_exact‖ through the smallest singular value of V_pᵀV_e, read as its Gram's trace gap
    const gap = tf.tidy(() => {
      const c = tf.matMul(power.right, exact.right, true, false);
      return k - tf.sum(tf.square(c)).dataSync()[0];
    });
    Object.assign(record, { jacobiSeconds: +exact.seconds.toFixed(2), speedup: +(exact.seconds / power.seconds).toFixed(1), maxSingularValueError: sv, subspaceGap: gap });
    console.log(`Jacobi: ${exact.seconds.toFixed(2)} s; power is ${(exact.seconds / power.seconds).toFixed(1)}x faster; ` +
      `top-${k} singular values within ${sv.toExponential(2)} of σ₁; k − ‖V_pᵀV_e‖²_F = ${gap.toExponential(2)}`);
    tf.dispose([exact.left, exact.right]);
  }
  tf.dispose([table, power.left, power.right]);
  return record;
}
