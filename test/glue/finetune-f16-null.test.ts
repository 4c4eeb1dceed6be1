// An f16-tc GLUE fine-tune (tensor-core matmuls, dynamic loss scaling) takes the fast path as the fp32 one does: the
// same steps replayed from captures (training and evaluation), no more reads back to the CPU (the loss scale and
// the skip flag travel with the lagged losses), and a fixed small set of tensor-core pipelines for all its batch
// shapes. On Dawn's null backend (child finetune-f16-null.ts): nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Run {
  steps: number; shapes: string[]; lossScaling: string; maps: number; tcDispatches: number; tcPipelines: number;
  capture: Record<'train' | 'evaluate', { path: string; reason: string | null; eagerSteps: number; replayedSteps: number }>;
}

test('an f16-tc fine-tune with dynamic loss scaling replays as fp32 does, reads back no more, and compiles a fixed set of tensor-core pipelines', { timeout: 300_000 }, () => {
  const child = fileURLToPath(new URL('./finetune-f16-null.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 280_000 });
  assert.equal(r.status, 0, (r.stderr ?? '').slice(-3000));
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fp32: Run; 'f16-tc': Run };
  const fp32 = res.fp32, tc = res['f16-tc'];
  assert.equal(tc.lossScaling, 'dynamic');
  assert.ok(tc.tcDispatches > 0, 'the tensor-core kernel ran');
  assert.equal(fp32.tcDispatches, 0);
  assert.deepEqual(tc.shapes, fp32.shapes);
  assert.ok(tc.shapes.filter((s) => s.startsWith('train')).length >= 4 && tc.shapes.filter((s) => s.startsWith('eval')).length >= 4, `shapes: ${tc.shapes}`);
  for (const part of ['train', 'evaluate'] as const) {
    assert.equal(tc.capture[part].path, 'replay', `${part}: ${tc.capture[part].reason}`);
    assert.equal(tc.capture[part].reason, null);
    // only the two recordings per shape run eagerly, as in fp32
    assert.equal(tc.capture[part].eagerSteps, fp32.capture[part].eagerSteps, part);
    assert.equal(tc.capture[part].replayedSteps, fp32.capture[part].replayedSteps, part);
  }
  assert.ok(tc.capture.train.replayedSteps >= 0.85 * tc.steps, `${tc.capture.train.replayedSteps} of ${tc.steps} steps replayed`);
  // reads back: the lagged losses (every 8 steps) and each evaluation's predictions; loss scaling adds none
  assert.equal(tc.maps, fp32.maps);
  assert.ok(tc.maps <= Math.ceil(tc.steps / 8) + 3 * 2, `${tc.maps} buffer maps over ${tc.steps} steps`);
  // 4 training and 5 evaluation shapes, one set of kernels (14 for the tiny teacher; a per-shape kernel would be more)
  assert.ok(tc.tcPipelines > 0 && tc.tcPipelines <= 14, `${tc.tcPipelines} tensor-core pipelines compiled`);
});
