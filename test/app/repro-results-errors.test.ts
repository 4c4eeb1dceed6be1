// results.json carries why a run failed: a series' raw output comes back without its run store, so the error text
// must travel in the file (the GPU series' TinyBERT failed after its last step and nothing said why).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../src-main/shared/api/types.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { buildReproResults } from '../../src-main/app/repro/results.js';
import { distillStages } from '../../src-main/app/repro/plan.js';
import type { ReproOptions } from '../../src-main/app/repro/options.js';

const o: ReproOptions = {
  teacher: 't', corpus: 'c', glue: 'test/fixtures/glue', out: 'o', home: 'h', steps: 10, batchSize: 2, seqLen: 8, tasks: ['RTE'], seeds: [1],
  variants: [], kinds: ['teacher', 'tinybert50'], lrGrid: [1e-4], epochs: 1, finetuneBatch: 2, maxLength: 8, backend: 'wasm', parallel: 1,
};

const run = (id: number, method: RunRecord['method'], status: RunRecord['status'], error: string | null): RunRecord => ({
  id, name: `run ${id}`, method, status, config: {}, seed: 1, backend: 'wasm', device: null, teacherModelId: null, datasetId: null, parentRunId: null,
  groupId: null, tags: [], notes: '', archived: false, error, progress: null, result: null, createdAt: '2026-12-07T00:00:00Z', startedAt: null, finishedAt: null,
});

test('a failed distillation or fine-tune gives its error in results.json; a completed one gives null', async () => {
  const runs = new Map([[12, run(12, 'tinybert', 'failed', 'export: out of memory')], [13, run(13, 'finetune', 'completed', null)]]);
  const service = {
    call: async (name: string, args: { id?: number }) => {
      if (name === 'models.list') return [];
      if (name === 'runs.get') return runs.get(args.id!)!;
      if (name === 'runs.metrics') return [];
      throw new Error(`unexpected call ${name}`);
    },
  } as unknown as Service;
  const state = { runs: { 'tinybert50-s1': 12, 'finetune:teacher': 13 }, groups: {} };
  const results = await buildReproResults(service, o, state, distillStages(o), { argv: [], wallSeconds: 1 });
  const byKey = Object.fromEntries(results.models.map((m) => [m.key, m]));
  assert.deepEqual(byKey['tinybert50-s1'].status, { distill: 'failed', finetune: null });
  assert.deepEqual(byKey['tinybert50-s1'].errors, { distill: 'export: out of memory', finetune: null });
  assert.deepEqual(byKey.teacher.errors, { distill: null, finetune: null });
});
