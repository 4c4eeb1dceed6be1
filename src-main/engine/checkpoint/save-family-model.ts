// Writes a BERT, ALBERT or MobileBERT in the Hugging Face layout (config.json, model.safetensors, and with a vocab
// vocab.txt + tokenizer_config.json + special_tokens_map.json) so `AutoModelForMaskedLM.from_pretrained(dir)` (or
// the architecture given) loads it. Checked whole before a byte is written; the folder appears whole or not at all.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BertWeights } from '../bert/weights.js';
import type { BertArchitecture, BertConfig } from '../bert/config.js';
import type { AlbertArchitecture, AlbertConfig } from '../albert/config.js';
import type { MobileBertArchitecture, MobileBertConfig } from '../mobilebert/config.js';
import { readVocabFile } from '../tokenizer/vocab.js';
import { serializeSafetensors, TensorToWrite } from './safetensors.js';
import { writeDirAtomically } from './atomic-dir.js';
import { ALBERT_FAMILY, BERT_FAMILY, type FamilyConfigBase, FamilySpec, headsFor, MOBILEBERT_FAMILY, roleOf } from './families.js';

interface SaveCommon {
  weights: BertWeights;
  /** vocab.txt to copy next to the model (recommended: the app's tokenizer reads it back). */
  vocabPath?: string;
  /** Without vocabPath: the tokens in id order, written as vocab.txt (a model whose vocabulary came from tokenizer.json alone). */
  vocab?: readonly string[];
  /** tokenizer_config.json do_lower_case; default true (uncased). */
  doLowerCase?: boolean;
}
export type SaveHfModelOptions = SaveCommon & { config: BertConfig; architecture: BertArchitecture };
export type SaveFamilyModelOptions =
  | (SaveHfModelOptions & { family: 'bert' })
  | (SaveCommon & { family: 'albert'; config: AlbertConfig; architecture: AlbertArchitecture })
  | (SaveCommon & { family: 'mobilebert'; config: MobileBertConfig; architecture: MobileBertArchitecture });

export async function saveFamilyModel(dir: string, opts: SaveFamilyModelOptions): Promise<void> {
  if (opts.family === 'bert') return save(dir, BERT_FAMILY, opts.config, opts.architecture, opts);
  if (opts.family === 'albert') return save(dir, ALBERT_FAMILY, opts.config, opts.architecture, opts);
  return save(dir, MOBILEBERT_FAMILY, opts.config, opts.architecture, opts);
}

/** A BERT (saveFamilyModel with family 'bert'). */
export async function saveHfModel(dir: string, opts: SaveHfModelOptions): Promise<void> {
  return save(dir, BERT_FAMILY, opts.config, opts.architecture, opts);
}

async function save<C extends FamilyConfigBase, A extends string>(
  dir: string, spec: FamilySpec<C, A>, config: C, architecture: A, opts: SaveCommon): Promise<void> {
  if (!Object.values(spec.roles).includes(architecture)) {
    throw new Error(`cannot save ${spec.family}: architecture ${architecture} is not one of ${Object.values(spec.roles).join(', ')}`);
  }
  const { weights } = opts;
  const role = roleOf(spec, architecture);
  const shapes = spec.shapes(config, headsFor(role, (p) => Object.keys(weights).some((n) => n.startsWith(p)), spec));
  const untied = role === 'mlm' && spec.decoderName in weights;
  if (untied) shapes[spec.decoderName] = [config.vocabSize, spec.decoderWidth(config)];
  for (const [name, shape] of Object.entries(shapes)) {
    const t = weights[name];
    if (!t) throw new Error(`cannot save ${architecture}: weight "${name}" (shape [${shape.join(', ')}]) is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`cannot save ${architecture}: weight "${name}" has shape [${t.shape.join(', ')}] but the config expects [${shape.join(', ')}]`);
    }
    if (t.dtype !== 'float32') throw new Error(`cannot save weight "${name}": dtype ${t.dtype}, expected float32`);
  }
  const vocab = opts.vocabPath ? readVocabFile(opts.vocabPath) : opts.vocab;
  if (vocab && vocab.length > config.vocabSize) {
    throw new Error(`${opts.vocabPath ?? 'the vocabulary'} has ${vocab.length} tokens but the model's vocabSize is ${config.vocabSize}`);
  }
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    // a bare base model (AlbertModel / MobileBertModel) stores its tensors without the prefix
    const fileName = role === 'base' && name.startsWith(spec.prefix) ? name.slice(spec.prefix.length) : name;
    tensors[fileName] = { shape, data: (await weights[name].data()) as Float32Array };
  }
  const hfConfig = spec.configToHf(config, architecture);
  // always stated: a teacher's raw config may say false while this model has no decoder of its own
  hfConfig.tie_word_embeddings = !untied;
  const doLowerCase = opts.doLowerCase ?? true;
  await writeDirAtomically(dir, async (tmp) => {
    writeFileSync(join(tmp, 'config.json'), JSON.stringify(hfConfig, null, 2) + '\n');
    writeFileSync(join(tmp, 'model.safetensors'), serializeSafetensors(tensors));
    if (vocab) {
      if (opts.vocabPath) copyFileSync(opts.vocabPath, join(tmp, 'vocab.txt'));
      else writeFileSync(join(tmp, 'vocab.txt'), vocab.join('\n') + '\n');
      const specials = { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' };
      writeFileSync(join(tmp, 'tokenizer_config.json'), JSON.stringify({
        tokenizer_class: 'BertTokenizer', do_lower_case: doLowerCase, strip_accents: null, tokenize_chinese_chars: true,
        model_max_length: config.maxPositionEmbeddings, ...specials,
      }, null, 2) + '\n');
      writeFileSync(join(tmp, 'special_tokens_map.json'), JSON.stringify(specials, null, 2) + '\n');
    }
  });
}
