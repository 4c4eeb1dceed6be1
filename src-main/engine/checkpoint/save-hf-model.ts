// Writes a BERT in the Hugging Face layout (config.json, model.safetensors, vocab.txt,
// tokenizer_config.json, special_tokens_map.json) so `BertForMaskedLM.from_pretrained(dir)` (or the
// architecture given) loads it. The directory appears whole or not at all (see atomic-dir.ts).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertArchitecture, BertConfig, bertConfigToHf } from '../bert/config.js';
import { BertWeights, bertParameterShapes } from '../bert/weights.js';
import { readVocabFile } from '../tokenizer/vocab.js';
import { serializeSafetensors, TensorToWrite } from './safetensors.js';
import { bareBertModelName } from './hf-names.js';
import { writeDirAtomically } from './atomic-dir.js';

export interface SaveHfModelOptions {
  config: BertConfig;
  weights: BertWeights;
  architecture: BertArchitecture;
  /** vocab.txt to copy next to the model (recommended: the app's tokenizer reads it back). */
  vocabPath?: string;
  /** tokenizer_config.json do_lower_case; default true (uncased). */
  doLowerCase?: boolean;
}

/** Our names of the tensors an architecture's checkpoint holds, with their shapes. */
function tensorsFor(opts: SaveHfModelOptions): Record<string, number[]> {
  const { config, weights, architecture } = opts;
  const has = (n: string) => n in weights;
  switch (architecture) {
    case 'BertForMaskedLM': {
      // transformers' BertForMaskedLM has no pooler
      const s = bertParameterShapes(config, { mlmHead: true });
      if (has('cls.predictions.decoder.weight')) s['cls.predictions.decoder.weight'] = [config.vocabSize, config.hiddenSize];
      return s;
    }
    case 'BertForSequenceClassification':
      return bertParameterShapes(config, { classifier: true });
    case 'BertModel':
      return bertParameterShapes(config, { pooler: has('bert.pooler.dense.weight') });
  }
}

export async function saveHfModel(dir: string, opts: SaveHfModelOptions): Promise<void> {
  const { config, weights, architecture } = opts;
  const shapes = tensorsFor(opts);
  // check everything before the first byte is written
  for (const [name, shape] of Object.entries(shapes)) {
    const t = weights[name];
    if (!t) throw new Error(`cannot save ${architecture}: weight "${name}" (shape [${shape.join(', ')}]) is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`cannot save ${architecture}: weight "${name}" has shape [${t.shape.join(', ')}] but the config ` +
        `expects [${shape.join(', ')}]`);
    }
    if (t.dtype !== 'float32') throw new Error(`cannot save weight "${name}": dtype ${t.dtype}, expected float32`);
  }
  let vocab: string[] | undefined;
  if (opts.vocabPath) {
    vocab = readVocabFile(opts.vocabPath);
    if (vocab.length > config.vocabSize) {
      throw new Error(`${opts.vocabPath} has ${vocab.length} tokens but the model's vocabSize is ${config.vocabSize}`);
    }
  }
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const fileName = architecture === 'BertModel' ? bareBertModelName(name) : name;
    tensors[fileName] = { shape, data: (await weights[name].data()) as Float32Array };
  }
  const hfConfig = bertConfigToHf(config, architecture);
  if ('cls.predictions.decoder.weight' in tensors) hfConfig.tie_word_embeddings = false;
  const doLowerCase = opts.doLowerCase ?? true;
  await writeDirAtomically(dir, async (tmp) => {
    writeFileSync(join(tmp, 'config.json'), JSON.stringify(hfConfig, null, 2) + '\n');
    writeFileSync(join(tmp, 'model.safetensors'), serializeSafetensors(tensors));
    if (opts.vocabPath) {
      copyFileSync(opts.vocabPath, join(tmp, 'vocab.txt'));
      const specials = { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' };
      writeFileSync(join(tmp, 'tokenizer_config.json'), JSON.stringify({
        tokenizer_class: 'BertTokenizer', do_lower_case: doLowerCase, strip_accents: null, tokenize_chinese_chars: true,
        model_max_length: config.maxPositionEmbeddings, ...specials,
      }, null, 2) + '\n');
      writeFileSync(join(tmp, 'special_tokens_map.json'), JSON.stringify(specials, null, 2) + '\n');
    }
  });
}
