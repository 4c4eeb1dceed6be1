// Loads a Hugging Face folder of any family we run (BERT, ALBERT, MobileBERT), chosen by config.json's model_type,
// through one set of checks (every expected tensor present with its shape, float dtype, vocab.txt no larger than
// the vocabulary); names stay Hugging Face's. loadHfModel is the same loader for a folder that must hold a BERT.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import * as tf from '@tensorflow/tfjs';
import type { BertWeights } from '../bert/weights.js';
import { disposeWeights } from '../bert/weights.js';
import type { BertArchitecture, BertConfig } from '../bert/config.js';
import type { AlbertArchitecture, AlbertConfig } from '../albert/config.js';
import type { MobileBertArchitecture, MobileBertConfig } from '../mobilebert/config.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { readRegularFileSync } from '../io/regular-file.js';
import { MAX_CONFIG_BYTES, readJson, weightFiles } from './folder-files.js';
import { parseSafetensors, type SafetensorsTensor } from './safetensors.js';
import {
  ALBERT_FAMILY, BERT_FAMILY, FAMILY_SPECS, familyWeightName, type FamilyConfigBase, type FamilySpec, headsFor, MOBILEBERT_FAMILY,
  type ModelFamily, roleOf, SUPPORTED_MODEL_TYPES,
} from './families.js';

interface LoadedCommon {
  weights: BertWeights;
  /** Path of vocab.txt when the directory has one. */
  vocabPath?: string;
  tokenizer?: BertTokenizer;
  /** Files read, for the run record. */
  files: string[];
  /** Tensors in the checkpoint that no part of our model uses (e.g. a pooler of an MLM checkpoint we do not need). */
  ignoredTensors: string[];
}
export type LoadedHfModel = LoadedCommon & { config: BertConfig; architecture: BertArchitecture };
export type LoadedAlbertModel = LoadedCommon & { family: 'albert'; config: AlbertConfig; architecture: AlbertArchitecture };
export type LoadedMobileBertModel = LoadedCommon & { family: 'mobilebert'; config: MobileBertConfig; architecture: MobileBertArchitecture };
export type LoadedAnyModel = (LoadedHfModel & { family: 'bert' }) | LoadedAlbertModel | LoadedMobileBertModel;

const ARCH_PREFIX: Record<string, ModelFamily> = { Bert: 'bert', Albert: 'albert', MobileBert: 'mobilebert' };

/** The family config.json names, or an error naming what it says and what we support. */
export function modelFamilyOf(rawConfig: Record<string, unknown>, configPath: string): ModelFamily {
  const mt = rawConfig.model_type;
  const declared = Array.isArray(rawConfig.architectures) ? String(rawConfig.architectures[0]) : undefined;
  const supported = `supported: model_type ${SUPPORTED_MODEL_TYPES.map((t) => `"${t}"`).join(', ')} (architectures ` +
    `${SUPPORTED_MODEL_TYPES.flatMap((f) => Object.keys(FAMILY_SPECS[f].architectures)).filter((a) => a !== 'BertForPreTraining').join(', ')})`;
  if (mt === undefined) {
    // old BERT configs carry no model_type; an architecture name may still tell
    const fromArch = declared && Object.entries(ARCH_PREFIX).sort((a, b) => b[0].length - a[0].length).find(([p]) => declared.startsWith(p));
    if (declared && !fromArch) throw new Error(`${configPath} declares architecture ${declared} and no model_type; ${supported}`);
    return fromArch ? fromArch[1] : 'bert';
  }
  if (typeof mt !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(mt)) {
    throw new Error(`${configPath} has model_type ${JSON.stringify(mt)}${declared ? ` (architecture ${declared})` : ''}, ` +
      `which this workbench cannot run; ${supported}`);
  }
  return mt as ModelFamily;
}

function readConfig(dir: string, what: string): { configPath: string; raw: Record<string, unknown> } {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`model directory ${dir} has no config.json`);
  return { configPath, raw: readJson(configPath, what, MAX_CONFIG_BYTES) as Record<string, unknown> };
}

export async function loadAnyHfModel(dir: string): Promise<LoadedAnyModel> {
  const { configPath, raw } = readConfig(dir, 'a model config.json');
  const family = modelFamilyOf(raw, configPath);
  if (family === 'bert') return { family, ...(await loadFamilyModel(dir, BERT_FAMILY, raw)) };
  if (family === 'albert') return { family, ...(await loadFamilyModel(dir, ALBERT_FAMILY, raw)) };
  return { family, ...(await loadFamilyModel(dir, MOBILEBERT_FAMILY, raw)) };
}

/** A folder that must hold a BERT (its config.json read as BERT's, whatever model_type it claims). */
export async function loadHfModel(dir: string): Promise<LoadedHfModel> {
  return loadFamilyModel(dir, BERT_FAMILY, readConfig(dir, 'a BERT config.json').raw);
}

async function loadFamilyModel<C extends FamilyConfigBase, A extends string>(
  dir: string, spec: FamilySpec<C, A>, rawConfig: Record<string, unknown>): Promise<LoadedCommon & { config: C; architecture: A }> {
  const configPath = join(dir, 'config.json');
  let config: C;
  try {
    config = spec.configFromHf(rawConfig);
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
      const name = familyWeightName(spec, fileName);
      if (name !== null) found.set(name, { t, file, fileName });
    }
  }
  const has = (prefix: string) => [...found.keys()].some((n) => n.startsWith(prefix));
  const declared = Array.isArray(rawConfig.architectures) ? String(rawConfig.architectures[0]) : undefined;
  let architecture: A;
  if (declared !== undefined) {
    const a = spec.architectures[declared];
    if (!a) throw new Error(`${configPath} declares architecture ${declared}; for model_type "${spec.modelType}" expected one of ${Object.keys(spec.architectures).join(', ')}`);
    architecture = a;
  } else architecture = has('classifier.') ? spec.roles.classifier : has(spec.mlmPrefix) ? spec.roles.mlm : spec.roles.base;
  const tied = rawConfig.tie_word_embeddings !== false;
  if (tied) {
    // transformers writes a tied pair once; whichever name it kept, the word embeddings are the tensor we use
    const dec = found.get(spec.decoderName);
    if (dec && !found.has(spec.wordEmbeddingName)) found.set(spec.wordEmbeddingName, dec);
    found.delete(spec.decoderName);
  }
  const role = roleOf(spec, architecture);
  const expected = spec.shapes(config, spec.loadHeads ? spec.loadHeads(role, has) : headsFor(role, has, spec));
  if (!tied && role === 'mlm') expected[spec.decoderName] = [config.vocabSize, spec.decoderWidth(config)];
  const where = files.length === 1 ? files[0] : `the shards of ${dir}`;
  for (const [name, shape] of Object.entries(expected)) {
    const got = found.get(name);
    if (!got) {
      throw new Error(`${where} lacks tensor "${name}" (expected shape [${shape.join(', ')}] for ${architecture} with the sizes in config.json)`);
    }
    if (got.t.shape.length !== shape.length || got.t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${got.file}: tensor "${got.fileName}" has shape [${got.t.shape.join(', ')}] but config.json (${architecture}) ` +
        `expects [${shape.join(', ')}]`);
    }
    if (!(got.t.data instanceof Float32Array)) {
      throw new Error(`${got.file}: tensor "${got.fileName}" has integer dtype ${got.t.dtype}; expected a float type`);
    }
  }
  // the tokenizer is read before any tensor is made, so a bad vocab leaks nothing
  // vocab.txt, or a WordPiece tokenizer.json alone (as transformers v5 saves a BERT tokenizer)
  const vocab = BertTokenizer.readModelDir(dir);
  if (vocab && vocab.tokenizer.vocabSize > config.vocabSize) {
    throw new Error(`${vocab.file} has ${vocab.tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocabSize}`);
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
  const out: LoadedCommon & { config: C; architecture: A } = { config, weights, architecture, files: [configPath, ...files], ignoredTensors };
  if (vocab) {
    if (basename(vocab.file) === 'vocab.txt') out.vocabPath = vocab.file;
    out.tokenizer = vocab.tokenizer;
    out.files.push(vocab.file);
  }
  return out;
}
