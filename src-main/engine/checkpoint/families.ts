// The model families a checkpoint folder may hold (BERT, ALBERT, MobileBERT): for each, its config.json
// model_type, the architectures transformers writes, the prefix of its base model, the buffers and heads skipped on
// load, and the tensors (with shapes) an architecture needs. Names stay Hugging Face's, end to end. One loader
// (load-any-model.ts) and one writer (save-family-model.ts) serve all three through these specs.
import { BertArchitecture, BertConfig, bertConfigFromHf, bertConfigToHf } from '../bert/config.js';
import { bertParameterShapes } from '../bert/weights.js';
import { AlbertArchitecture, AlbertConfig, albertConfigFromHf, albertConfigToHf } from '../albert/config.js';
import { albertParameterShapes } from '../albert/weights.js';
import { MobileBertArchitecture, MobileBertConfig, mobileBertConfigFromHf, mobileBertConfigToHf } from '../mobilebert/config.js';
import { mobileBertParameterShapes } from '../mobilebert/weights.js';

export interface HeadSelection { mlmHead?: boolean; classifier?: boolean; pooler?: boolean }
export type ArchitectureRole = 'mlm' | 'classifier' | 'base';

/** What every family's config has that the loader and writer read. */
export interface FamilyConfigBase { vocabSize: number; maxPositionEmbeddings: number }

export interface FamilySpec<C extends FamilyConfigBase, A extends string> {
  family: string;
  modelType: string;
  /** Architecture name in config.json -> the one we load it as (ForPreTraining loads as ForMaskedLM). */
  architectures: Record<string, A>;
  roles: Record<ArchitectureRole, A>;
  /** Prefix of the base model's tensors in headed checkpoints ("albert."). */
  prefix: string;
  /** Buffers and heads skipped on load without complaint. */
  ignored: RegExp[];
  /** The MLM decoder weight [vocab, E], tied to the word embeddings unless tie_word_embeddings is false. */
  decoderName: string;
  wordEmbeddingName: string;
  /** Prefix of the MLM head's tensors (to recognise an MLM checkpoint without "architectures"). */
  mlmPrefix: string;
  /** Width of an untied MLM decoder's rows (the word embeddings' width). */
  decoderWidth(cfg: C): number;
  configFromHf(json: unknown): C;
  configToHf(cfg: C, architecture: A): Record<string, unknown>;
  shapes(cfg: C, heads: HeadSelection): Record<string, number[]>;
  /** The heads loaded for an architecture, given which prefixes the checkpoint has (default: headsFor). */
  loadHeads?(role: ArchitectureRole, has: (prefix: string) => boolean): HeadSelection;
}

export const BERT_FAMILY: FamilySpec<BertConfig, BertArchitecture> = {
  family: 'bert',
  modelType: 'bert',
  architectures: {
    BertForMaskedLM: 'BertForMaskedLM',
    BertForPreTraining: 'BertForMaskedLM', // MLM head + NSP head; NSP is skipped
    BertForSequenceClassification: 'BertForSequenceClassification',
    BertModel: 'BertModel',
  },
  roles: { mlm: 'BertForMaskedLM', classifier: 'BertForSequenceClassification', base: 'BertModel' },
  prefix: 'bert.',
  ignored: [/^bert\.embeddings\.position_ids$/, /^cls\.seq_relationship\./, /^cls\.predictions\.decoder\.bias$/],
  decoderName: 'cls.predictions.decoder.weight',
  wordEmbeddingName: 'bert.embeddings.word_embeddings.weight',
  mlmPrefix: 'cls.predictions.',
  decoderWidth: (cfg) => cfg.hiddenSize,
  configFromHf: bertConfigFromHf,
  configToHf: bertConfigToHf,
  shapes: bertParameterShapes,
  // a BERT checkpoint keeps whatever heads it carries (BertForPreTraining's pooler, a BertModel's MLM head)
  loadHeads: (role, has) => ({
    mlmHead: role === 'mlm' || has('cls.predictions.'),
    classifier: role === 'classifier',
    pooler: role === 'classifier' || has('bert.pooler.'),
  }),
};

export const ALBERT_FAMILY: FamilySpec<AlbertConfig, AlbertArchitecture> = {
  family: 'albert',
  modelType: 'albert',
  architectures: {
    AlbertForMaskedLM: 'AlbertForMaskedLM',
    AlbertForPreTraining: 'AlbertForMaskedLM', // MLM + sentence-order head; the SOP head is skipped
    AlbertForSequenceClassification: 'AlbertForSequenceClassification',
    AlbertModel: 'AlbertModel',
  },
  roles: { mlm: 'AlbertForMaskedLM', classifier: 'AlbertForSequenceClassification', base: 'AlbertModel' },
  prefix: 'albert.',
  ignored: [/^albert\.embeddings\.(position_ids|token_type_ids)$/, /^sop_classifier\./, /^predictions\.decoder\.bias$/],
  decoderName: 'predictions.decoder.weight',
  wordEmbeddingName: 'albert.embeddings.word_embeddings.weight',
  mlmPrefix: 'predictions.',
  decoderWidth: (cfg) => cfg.embeddingSize,
  configFromHf: albertConfigFromHf,
  configToHf: albertConfigToHf,
  shapes: albertParameterShapes,
};

export const MOBILEBERT_FAMILY: FamilySpec<MobileBertConfig, MobileBertArchitecture> = {
  family: 'mobilebert',
  modelType: 'mobilebert',
  architectures: {
    MobileBertForMaskedLM: 'MobileBertForMaskedLM',
    MobileBertForPreTraining: 'MobileBertForMaskedLM', // MLM + next-sentence head; NSP is skipped
    MobileBertForSequenceClassification: 'MobileBertForSequenceClassification',
    MobileBertModel: 'MobileBertModel',
  },
  roles: { mlm: 'MobileBertForMaskedLM', classifier: 'MobileBertForSequenceClassification', base: 'MobileBertModel' },
  prefix: 'mobilebert.',
  ignored: [/^mobilebert\.embeddings\.(position_ids|token_type_ids)$/, /^cls\.seq_relationship\./, /^cls\.predictions\.decoder\.bias$/],
  decoderName: 'cls.predictions.decoder.weight',
  wordEmbeddingName: 'mobilebert.embeddings.word_embeddings.weight',
  mlmPrefix: 'cls.predictions.',
  decoderWidth: (cfg) => cfg.embeddingSize,
  configFromHf: mobileBertConfigFromHf,
  configToHf: mobileBertConfigToHf,
  shapes: mobileBertParameterShapes,
};

/** config.json model_type -> family. */
export const SUPPORTED_MODEL_TYPES = ['bert', 'albert', 'mobilebert'] as const;
export type ModelFamily = (typeof SUPPORTED_MODEL_TYPES)[number];

export const FAMILY_SPECS = { bert: BERT_FAMILY, albert: ALBERT_FAMILY, mobilebert: MOBILEBERT_FAMILY } as const;

/** Our name for a tensor of a family's checkpoint: bare base-model names get the prefix; null for skipped ones. */
export function familyWeightName(spec: { prefix: string; ignored: RegExp[] }, fileName: string): string | null {
  let name = fileName.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  if (/^(embeddings|encoder|pooler)\./.test(name)) name = `${spec.prefix}${name}`;
  if (spec.ignored.some((re) => re.test(name))) return null;
  return name;
}

export function roleOf<A extends string>(spec: { roles: Record<ArchitectureRole, A> }, arch: A): ArchitectureRole {
  return (Object.entries(spec.roles) as [ArchitectureRole, A][]).find(([, a]) => a === arch)![0];
}

export function headsFor(role: ArchitectureRole, has: (prefix: string) => boolean, spec: { prefix: string; mlmPrefix: string }): HeadSelection {
  return {
    mlmHead: role === 'mlm',
    classifier: role === 'classifier',
    pooler: role === 'classifier' || (role === 'base' && has(`${spec.prefix}pooler.`)),
  };
}
