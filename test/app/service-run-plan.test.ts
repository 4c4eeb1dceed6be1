// runs.plan: the wizard's "resulting parameter count before launch" comes from the engine's own size
// resolvers, so it must equal what a run of that config reports, and size errors must name the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { tempHome } from './support/runner-harness.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher'); // 2 layers, hidden 64, 4 heads (head size 16), intermediate 128

async function withTeacher(t: Parameters<typeof tempHome>[0]): Promise<{ s: Service; teacherModelId: number }> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const m = await s.call('models.register', { path: TINY });
  return { s, teacherModelId: m.id };
}

test('an explicit WID target gives that shape, and its parameter count is the MLM model of that shape', async (t) => {
  const { s, teacherModelId } = await withTeacher(t);
  const [plan] = await s.call('runs.plan', { methods: ['wid'], config: { teacherModelId, target: { layers: 2, hidden: 32, heads: 2, intermediate: 64 } } });
  assert.deepEqual([plan.layers, plan.hidden, plan.heads, plan.intermediate], [2, 32, 2, 64]);
  // vocab 4096, 128 positions, 2 types: embeddings 32*(4096+128+2)+2*32, 2 layers of 4*(32*32+32)+2*32+(32*64+64)+(64*32+32)+2*32,
  // MLM head transform 32*32+32+2*32 and decoder bias 4096 (decoder weight tied to the word embeddings)
  const embeddings = 32 * (4096 + 128 + 2) + 64;
  const layer = 4 * (32 * 32 + 32) + 64 + (32 * 64 + 64) + (64 * 32 + 32) + 64;
  assert.equal(plan.parameterCount, embeddings + 2 * layer + (32 * 32 + 32 + 64) + 4096);
  assert.deepEqual({ ...plan.teacher, parameterCount: undefined }, { layers: 2, hidden: 64, heads: 4, intermediate: 128, parameterCount: undefined });
  const teacher = (await s.call('models.get', { id: teacherModelId })).parameterCount;
  assert.equal(plan.teacher.parameterCount, teacher);
});

test('presets are scaled to the teacher: distilbert halves depth, wid55 keeps depth and about half the parameters', async (t) => {
  const { s, teacherModelId } = await withTeacher(t);
  const [distil] = await s.call('runs.plan', { methods: ['distilbert'], config: { teacherModelId, preset: 'distilbert' } });
  assert.deepEqual([distil.layers, distil.hidden], [1, 64]);
  const plans = await s.call('runs.plan', { methods: ['wid', 'distilbert', 'tinybert'], config: { teacherModelId, preset: 'wid55' } });
  for (const p of plans) {
    assert.equal(p.layers, 2, `${p.method} keeps the teacher's depth under wid55`);
    assert.equal(p.hidden, plans[0].hidden, `${p.method} gets WID's width under wid55`);
  }
  const ratio = plans[0].parameterCount / plans[0].teacher.parameterCount;
  assert.ok(ratio > 0.3 && ratio < 0.75, `wid55 ratio ${ratio}`);
});

test('a WID target whose head size exceeds the teacher\'s is refused with the engine\'s message naming target.heads', async (t) => {
  const { s, teacherModelId } = await withTeacher(t);
  await assert.rejects(s.call('runs.plan', { methods: ['wid'], config: { teacherModelId, target: { layers: 2, hidden: 64, heads: 2, intermediate: 128 } } }),
    /wid config: target\.heads too small: hidden\/heads = 32 exceeds the teacher's head size 16/);
  await assert.rejects(s.call('runs.plan', { methods: ['wid'], config: { teacherModelId, target: { layers: 1, hidden: 32, heads: 2, intermediate: 64 } } }),
    /target\.layers must equal the teacher's numHiddenLayers \(2\)/);
});

test('a missing teacher or an unknown method is a bad_request naming the field', async (t) => {
  const { s } = await withTeacher(t);
  await assert.rejects(s.call('runs.plan', { methods: ['wid'], config: { preset: 'wid55' } }), /config\.teacherModelId: expected the id of a registered teacher/);
  await assert.rejects(s.call('runs.plan', { methods: ['wid'], config: { teacherModelId: 99, preset: 'wid55' } }), /no registered model with id 99/);
  await assert.rejects(s.call('runs.plan', { methods: ['selftest' as 'wid'], config: { teacherModelId: 1 } }), /methods\[0\]: expected one of wid, distilbert, tinybert, albert, mobilebert, got "selftest"/);
});

test('runs.plan refuses a budget runs.create would refuse (batchSize 1e6, steps 1e308), naming the key', async (t) => {
  const { s, teacherModelId } = await withTeacher(t);
  await assert.rejects(s.call('runs.plan', { methods: ['wid'], config: { teacherModelId, preset: 'wid55', batchSize: 1e6 } }),
    (e: Error & { code?: string }) => e.code === 'bad_request' && /config\.batchSize: at most 8192, got 1000000/.test(e.message));
  await assert.rejects(s.call('runs.plan', { methods: ['distilbert'], config: { teacherModelId, preset: 'wid55', steps: 1e308 } }), /config\.steps: at most 10000000/);
});

test('ALBERT and MobileBERT plans default to WID-50 %\'s shape and count the student of their own family', async (t) => {
  const { s, teacherModelId } = await withTeacher(t);
  // WID needs a target or preset; the other two default to wid55 by themselves
  const [wid] = await s.call('runs.plan', { methods: ['wid'], config: { teacherModelId, preset: 'wid55' } });
  const [albert, mobile] = await s.call('runs.plan', { methods: ['albert', 'mobilebert'], config: { teacherModelId } });
  assert.equal(albert.family, 'albert');
  assert.equal(mobile.family, 'mobilebert');
  for (const p of [albert, mobile]) assert.deepEqual([p.layers, p.hidden], [wid.layers, wid.hidden], `${p.method} at WID-50 %'s shape`);
  assert.ok(albert.parameterCount < wid.parameterCount, 'ALBERT stores its shared layer once and a narrower embedding');
  await assert.rejects(s.call('runs.plan', { methods: ['albert'], config: { teacherModelId, target: { layers: 2, hidden: 128, heads: 4, intermediate: 128 } } }),
    /albert config: albert: target\.hidden \(128\) must be <= the teacher's hidden size \(64\)/);
});
