// `make-random-model --config DIR --out DIR [--seed N]`: a random-init BertForMaskedLM with the shape of
// DIR/config.json (and DIR's vocab.txt), for speed probes where the real checkpoint is not at hand. Its scores
// mean nothing; its step times are those of the real model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertConfigFromHf, disposeWeights, initBertWeights } from '../../src-main/engine/bert/index.js';
import { saveHfModel } from '../../src-main/engine/checkpoint/index.js';

export async function main(argv: string[]): Promise<void> {
  const o = new Command('make-random-model').requiredOption('--config <dir>').requiredOption('--out <dir>').option('--seed <n>', 'seed', Number, 1)
    .parse(argv, { from: 'user' }).opts<{ config: string; out: string; seed: number }>();
  await selectBackend('cpu');
  const config = bertConfigFromHf(JSON.parse(readFileSync(join(o.config, 'config.json'), 'utf8')));
  const weights = initBertWeights(config, o.seed, { mlmHead: true });
  try {
    await saveHfModel(o.out, { config, weights, architecture: 'BertForMaskedLM', vocabPath: join(o.config, 'vocab.txt') });
  } finally { disposeWeights(weights); }
  console.log(`make-random-model: ${o.out}`);
}
