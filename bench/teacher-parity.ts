// `npm run bench -- teacher-parity --model DIR --out FILE [--backend webgpu]`: runs the workbench's BERT
// forward on a few fixed sentences (single and paired, one padded batch) and writes the last hidden state and
// the MLM logits as float32 with the token ids, for bench/pytorch/teacher_parity.py to compare with
// transformers' BertForMaskedLM on the same checkpoint (max abs diff per tensor).
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { loadHfModel } from '../src-main/engine/checkpoint/index.js';
import { bertForward, mlmHead } from '../src-main/engine/bert/index.js';

export const PARITY_SENTENCES: [string, string?][] = [
  ['The quick brown fox jumps over the lazy dog.'],
  ['Paris is the [MASK] of France.'],
  ['A man is playing a guitar.', 'Someone plays an instrument on stage, loudly and for a long time.'],
  ['Weight-inherited distillation keeps the teacher\'s weights.', 'Does it?'],
];

export async function main(argv: string[]): Promise<void> {
  const o = new Command('bench teacher-parity').requiredOption('--model <dir>').requiredOption('--out <file>')
    .option('--backend <name>', 'backend', 'auto').parse(argv, { from: 'user' }).opts<{ model: string; out: string; backend: BackendPreference }>();
  const backend = await selectBackend(o.backend);
  const model = await loadHfModel(o.model);
  const enc = PARITY_SENTENCES.map(([a, b]) => model.tokenizer!.encode(a, b, { maxLength: 128, truncation: 'longest_first', padding: false }));
  const len = Math.max(...enc.map((e) => e.inputIds.length));
  const pad = (xs: number[]) => [...xs, ...new Array(len - xs.length).fill(0)];
  const inputIds = tf.tensor2d(enc.map((e) => pad(e.inputIds)), [enc.length, len], 'int32');
  const attentionMask = tf.tensor2d(enc.map((e) => pad(e.attentionMask)), [enc.length, len], 'int32');
  const tokenTypeIds = tf.tensor2d(enc.map((e) => pad(e.tokenTypeIds)), [enc.length, len], 'int32');
  const { lastHiddenState } = bertForward(model.weights, model.config, { inputIds, attentionMask, tokenTypeIds });
  const logits = mlmHead(model.weights, model.config, lastHiddenState);
  const hidden = (await lastHiddenState.data()) as Float32Array, lg = (await logits.data()) as Float32Array;
  writeFileSync(o.out, JSON.stringify({
    backend: backend.name, device: backend.device, sentences: PARITY_SENTENCES, inputIds: enc.map((e) => pad(e.inputIds)),
    attentionMask: enc.map((e) => pad(e.attentionMask)), tokenTypeIds: enc.map((e) => pad(e.tokenTypeIds)),
    hiddenShape: lastHiddenState.shape, logitsShape: logits.shape,
    hidden: Buffer.from(hidden.buffer, hidden.byteOffset, hidden.byteLength).toString('base64'),
    logits: Buffer.from(lg.buffer, lg.byteOffset, lg.byteLength).toString('base64'),
  }));
  console.log(`teacher-parity: wrote ${o.out} (${backend.name}, ${enc.length} sequences of ${len} tokens)`);
}
