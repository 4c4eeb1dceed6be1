// One-off computations the app runs in a worker process rather than on its own event loop:
// a model smoke test (load + one forward pass), teacher-vs-student attention maps, dataset counts.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../engine/backend/index.js';
import { bertForward, disposeWeights } from '../engine/bert/index.js';
import { loadAnyHfModel, loadHfModel } from '../engine/checkpoint/index.js';
import { familyOps } from '../engine/model-family/index.js';
import { BertTokenizer } from '../engine/tokenizer/index.js';
import { datasetStats } from '../engine/datasets/dataset-stats.js';
import type { WorkerTask } from './protocol.js';

function tokenizerOf(model: { tokenizer?: BertTokenizer }, dir: string): BertTokenizer {
  return model.tokenizer ?? BertTokenizer.fromModelDir(dir);
}

function encode(tokenizer: BertTokenizer, text: string, maxLength: number) {
  const e = tokenizer.encode(text, undefined, { maxLength, truncation: 'longest_first' });
  const shape: [number, number] = [1, e.inputIds.length];
  return {
    tokens: e.tokens,
    inputs: {
      inputIds: tf.tensor2d(e.inputIds, shape, 'int32'),
      attentionMask: tf.tensor2d(e.attentionMask, shape, 'int32'),
      tokenTypeIds: tf.tensor2d(e.tokenTypeIds, shape, 'int32'),
    },
  };
}

async function smokeTest(task: Extract<WorkerTask, { name: 'smokeTest' }>) {
  const backend = await selectBackend();
  const started = performance.now();
  // any family config.json names (BERT, ALBERT, MobileBERT)
  const model = await loadAnyHfModel(task.modelPath);
  try {
    const { inputs } = encode(tokenizerOf(model, task.modelPath), task.text, model.config.maxPositionEmbeddings);
    const out = familyOps(model.family).encode(model.weights, model.config, inputs);
    await out.lastHiddenState.data(); // wait for the backend to finish the pass
    const outputShape = out.lastHiddenState.shape;
    tf.dispose([out.lastHiddenState, ...Object.values(inputs)]);
    return { ok: true as const, seconds: (performance.now() - started) / 1000, backend: backend.name, outputShape };
  } finally {
    disposeWeights(model.weights);
  }
}

/** Student layer l sits at the same relative depth in the teacher; heads map the same way. */
const mapIndex = (i: number, from: number, to: number) => Math.min(to - 1, Math.floor(((i + 0.5) * to) / from));

async function attention(task: Extract<WorkerTask, { name: 'attention' }>) {
  await selectBackend();
  const teacher = await loadHfModel(task.teacherPath);
  const student = await loadHfModel(task.studentPath);
  try {
    const s = student.config, t = teacher.config;
    if (task.layer >= s.numHiddenLayers) throw new Error(`layer: the student has ${s.numHiddenLayers} layers (0..${s.numHiddenLayers - 1}), got ${task.layer}`);
    if (task.head >= s.numAttentionHeads) throw new Error(`head: the student has ${s.numAttentionHeads} heads (0..${s.numAttentionHeads - 1}), got ${task.head}`);
    const layers = { teacher: mapIndex(task.layer, s.numHiddenLayers, t.numHiddenLayers), student: task.layer };
    const heads = { teacher: mapIndex(task.head, s.numAttentionHeads, t.numAttentionHeads), student: task.head };
    // The student inherits the teacher's vocabulary, so one tokenization serves both.
    const maxLength = Math.min(s.maxPositionEmbeddings, t.maxPositionEmbeddings, 64);
    const { tokens, inputs } = encode(tokenizerOf(teacher, task.teacherPath), task.text, maxLength);
    const map = async (m: typeof teacher, layer: number, head: number) => {
      const out = bertForward(m.weights, m.config, inputs, { outputAttentions: true });
      const probs = out.attentions![layer].slice([0, head, 0, 0], [1, 1, -1, -1]).squeeze([0, 1]);
      const rows = (await probs.array()) as number[][];
      tf.dispose([probs, out.lastHiddenState, ...out.attentions!]);
      return rows;
    };
    const teacherMap = await map(teacher, layers.teacher, heads.teacher);
    const studentMap = await map(student, layers.student, heads.student);
    tf.dispose(Object.values(inputs));
    return { tokens, layers, heads, teacher: teacherMap, student: studentMap };
  } finally {
    disposeWeights(teacher.weights);
    disposeWeights(student.weights);
  }
}

export async function runWorkerTask(task: WorkerTask): Promise<unknown> {
  switch (task.name) {
    case 'smokeTest': return smokeTest(task);
    case 'attention': return attention(task);
    case 'datasetStats': return datasetStats(task.kind, task.path);
    default: throw new Error(`unknown worker task ${JSON.stringify((task as { name?: unknown }).name)}`);
  }
}
