// Loads a Hugging Face BERT directory (config.json + model.safetensors or a sharded
// model.safetensors.index.json, + vocab.txt/tokenizer_config.json) into a BertConfig and a weight record
// keyed by the unchanged HF names. Every tensor's name and shape is checked against config.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import * as tf from '@tensorflow/tfjs';
import { BertArchitecture, BertConfig, bertConfigFromHf } from '../bert/config.js';
import { BertWeights, bertParameterShapes, disposeWeights } from '../bert/weights.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { parseSafetensors, SafetensorsTensor } from './safetensors.js';
import { ourWeightName } from './hf-names.js';
import { MAX_SHARD_INDEX_BYTES, shardFiles } from './shard-index.js';
import { readRegularFileSync } from '../io/regular-file.js';

/** Largest config.json we read (a real one is ~1 KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedHfModel {
  config: BertConfig;
  weights: BertWeights;
  architecture: BertArchitecture;
  /** Path of vocab.txt when the directory has one. */
  vocabPath?: string;
  tokenizer?: BertTokenizer;
  /** Files read, for the run record. */
  files: string[];
  /** Tensors in the checkpoint that no part of our model uses (e.g. a pooler of an MLM checkpoint we do not need). */
  ignoredTensors: string[];
}

const KNOWN_ARCHITECTURES: Record<string, BertArchitecture> = {
  BertForMaskedLM: 'BertForMaskedLM',
  BertForPreTraining: 'BertForMaskedLM', // MLM head + NSP head; NSP is skipped
  BertForSequenceClassification: 'BertForSequenceClassification',
  BertModel: 'BertModel',
};

export function readJson(path: string, what: string, maxBytes: number): unknown {
  let text: string;
  try {
    text = readRegularFileSync(path, what, maxBytes).toString('utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The safetensors files of a model directory: one file or the shards an index names. */
export function weightFiles(dir: string): string[] {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    let text: string;
    try { text = readRegularFileSync(index, 'a shard index', MAX_SHARD_INDEX_BYTES).toString('utf8'); }
    catch (e) { throw new Error(`cannot read ${index}: ${(e as Error).message}`); }
    return shardFiles(dir, text, index);
  }
  if (existsSync(join(dir, 'pytorch_model.bin'))) {
    throw new Error(`${dir} has only pytorch_model.bin; we read safetensors only: re-save it with ` +
      `model.save_pretrained(dir, safe_serialization=True)`);
  }
  throw new Error(`${dir} has no model.safetensors (nor model.safetensors.index.json)`);
}

function inferArchitecture(config: Record<string, unknown>, names: Set<string>, dir: string): BertArchitecture {
  const declared = Array.isArray(config.architectures) ? String(config.architectures[0]) : undefined;
  if (declared !== undefined) {
    const arch = KNOWN_ARCHITECTURES[declared];
    if (!arch) {
      throw new Error(`${join(dir, 'config.json')} declares architecture ${declared}; expected one of ` +
        `${Object.keys(KNOWN_ARCHITECTURES).join(', ')}`);
    }
    return arch;
  }
  const has = (prefix: string) => [...names].some((n) => n.startsWith(prefix));
  if (has('classifier.')) return 'BertForSequenceClassification';
  if (has('cls.predictions.')) return 'BertForMaskedLM';
  return 'BertModel';
}

export async function loadHfModel(dir: string): Promise<LoadedHfModel> {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`model directory ${dir} has no config.json`);
  const rawConfig = readJson(configPath, 'a BERT config.json', MAX_CONFIG_BYTES) as Record<string, unknown>;
  let config: BertConfig;
  try {
    config = bertConfigFromHf(rawConfig);
  } catch (e) {
    throw new Error(`${configPath}: ${(e as Error).message}`);
  }
  const files = weightFiles(dir);
  // our name -> tensor read from the file, plus which file it came from for error messages
  const found = new Map<string, { t: SafetensorsTensor; file: string; fileName: string }>();
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`weight file ${file} named by the shard index does not exist`);
    const parsed = parseSafetensors(readRegularFileSync(file, 'safetensors weights', bufferConstants.MAX_LENGTH), file);
    for (const [fileName, t] of parsed.tensors) {
      const name = ourWeightName(fileName);
      if (name !== null) found.set(name, { t, file, fileName });
    }
  }
  const architecture = inferArchitecture(rawConfig, new Set(found.keys()), dir);
  const tied = rawConfig.tie_word_embeddings !== false;
  if (tied) found.delete('cls.predictions.decoder.weight'); // transformers ties it to the word embeddings
  const has = (prefix: string) => [...found.keys()].some((n) => n.startsWith(prefix));
  const heads = {
    mlmHead: architecture === 'BertForMaskedLM' || has('cls.predictions.'),
    classifier: architecture === 'BertForSequenceClassification',
    pooler: architecture === 'BertForSequenceClassification' || has('bert.pooler.'),
  };
  const expected = bertParameterShapes(config, heads);
  if (!tied) expected['cls.predictions.decoder.weight'] = [config.vocabSize, config.hiddenSize];
  const where = files.length === 1 ? files[0] : `the shards of ${dir}`;
  for (const [name, shape] of Object.entries(expected)) {
    const got = found.get(name);
    if (!got) {
      throw new Error(`${where} lacks tensor "${name}" (expected shape [${shape.join(', ')}] for ${architecture} ` +
        `with the sizes in config.json)`);
    }
    if (got.t.shape.length !== shape.length || got.t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${got.file}: tensor "${got.fileName}" has shape [${got.t.shape.join(', ')}] but config.json ` +
        `(${architecture}) expects [${shape.join(', ')}]`);
    }
    if (!(got.t.data instanceof Float32Array)) {
      throw new Error(`${got.file}: tensor "${got.fileName}" has integer dtype ${got.t.dtype}; expected a float type`);
    }
  }
  // the tokenizer is read before any tensor is made, so a bad vocab leaks nothing
  const vocabPath = join(dir, 'vocab.txt');
  let tokenizer: BertTokenizer | undefined;
  if (existsSync(vocabPath)) {
    tokenizer = BertTokenizer.fromModelDir(dir);
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new Error(`${vocabPath} has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocabSize}`);
    }
  }
  const weights: BertWeights = {};
  try {
    for (const name of Object.keys(expected)) {
      const { t } = found.get(name)!;
      weights[name] = tf.tensor(t.data, t.shape, 'float32');
    }
  } catch (e) {
    disposeWeights(weights);
    throw e;
  }
  const ignoredTensors = [...found.keys()].filter((n) => !(n in expected)).sort();
  const out: LoadedHfModel = { config, weights, architecture, files: [configPath, ...files], ignoredTensors };
  if (tokenizer) {
    out.vocabPath = vocabPath;
    out.tokenizer = tokenizer;
    out.files.push(vocabPath);
  }
  return out;
}
