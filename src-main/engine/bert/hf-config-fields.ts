// What the three families' config.json readers share (BERT, ALBERT, MobileBERT): the fields every family has
// (read with the family's defaults, written back, checked), the activation and problem_type checks, the labels. `family` goes
// into the messages ("config.json (albert) field ..."); BERT's messages name no family.
export type HiddenAct = 'gelu' | 'gelu_new' | 'relu';
export type ProblemType = 'single_label_classification' | 'regression';

/** The sizes and settings every family's config has (BertConfig is exactly this). */
export interface TransformerConfigBase {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: HiddenAct;
  numLabels?: number;
  problemType?: ProblemType;
  /** The original HF json, kept so unknown keys survive a round trip. */
  raw?: Record<string, unknown>;
}

/** A family's defaults for the size keys a config.json may leave out (none: the key is required). */
export interface HfSizeDefaults { vocab_size?: number; hidden_size?: number; num_hidden_layers?: number; num_attention_heads?: number; intermediate_size?: number }

export const HIDDEN_ACTS: HiddenAct[] = ['gelu', 'gelu_new', 'relu'];

/** Reads one config.json object; every error names the field, what it got and what it expects. */
export class HfConfigFields {
  readonly j: Record<string, unknown>;
  private readonly where: string;

  constructor(json: unknown, private readonly family?: string) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('config.json must be a JSON object');
    this.j = json as Record<string, unknown>;
    this.where = family ? `config.json (${family})` : 'config.json';
  }

  /** model_type must be the family's; BERT's may be absent (old configs). */
  modelType(expected: string, optional = false): void {
    const mt = this.j.model_type;
    if (optional && mt === undefined) return;
    if (mt !== expected) throw new Error(`config.json field "model_type" must be "${expected}", got ${JSON.stringify(mt)}`);
  }

  number(key: string, fallback?: number): number {
    const v = this.j[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${this.where} field "${key}" must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.j[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new Error(`${this.where} field "${key}" must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  hiddenAct(fallback: HiddenAct): HiddenAct {
    const act = (this.j.hidden_act ?? fallback) as string;
    if (!HIDDEN_ACTS.includes(act as HiddenAct)) {
      throw new Error(`${this.where} field "hidden_act" must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(act)}`);
    }
    return act as HiddenAct;
  }

  problemType(): ProblemType | undefined {
    const pt = this.j.problem_type;
    if (pt !== undefined && pt !== null && pt !== 'single_label_classification' && pt !== 'regression') {
      throw new Error(`${this.where} field "problem_type" must be "single_label_classification" or "regression", got ${JSON.stringify(pt)}`);
    }
    return pt ? (pt as ProblemType) : undefined;
  }

  /** The shared fields (activation and problem_type checked first), the labels and the raw json. */
  base(defaults: HfSizeDefaults, act: HiddenAct): TransformerConfigBase {
    const hiddenAct = this.hiddenAct(act);
    const problemType = this.problemType();
    const cfg: TransformerConfigBase = {
      vocabSize: this.number('vocab_size', defaults.vocab_size),
      hiddenSize: this.number('hidden_size', defaults.hidden_size),
      numHiddenLayers: this.number('num_hidden_layers', defaults.num_hidden_layers),
      numAttentionHeads: this.number('num_attention_heads', defaults.num_attention_heads),
      intermediateSize: this.number('intermediate_size', defaults.intermediate_size),
      maxPositionEmbeddings: this.number('max_position_embeddings', 512),
      typeVocabSize: this.number('type_vocab_size', 2),
      layerNormEps: this.number('layer_norm_eps', 1e-12),
      hiddenAct,
      raw: { ...this.j },
    };
    const numLabels = this.numLabels();
    if (numLabels !== undefined) cfg.numLabels = numLabels;
    if (problemType) cfg.problemType = problemType;
    return cfg;
  }

  /** num_labels, else the size of id2label, else undefined (transformers' rule). */
  numLabels(): number | undefined {
    const j = this.j;
    if (typeof j.num_labels === 'number') return j.num_labels;
    if (j.id2label && typeof j.id2label === 'object') return Object.keys(j.id2label as object).length;
    return undefined;
  }
}

/** The shared fields as config.json keys. */
function baseToHf(cfg: TransformerConfigBase): Record<string, unknown> {
  return {
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numHiddenLayers,
    num_attention_heads: cfg.numAttentionHeads,
    intermediate_size: cfg.intermediateSize,
    max_position_embeddings: cfg.maxPositionEmbeddings,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_act: cfg.hiddenAct,
  };
}

/**
 * A family's config.json: transformers' defaults, then the raw json a model was read from (unknown keys survive),
 * then the architecture, model_type, shared fields and the family's own (`own`), then the labels.
 */
export function configJson(cfg: TransformerConfigBase, modelType: string, architecture: string, defaults: Record<string, unknown>,
  own: Record<string, unknown>, keepRawLabels = false): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults, ...(cfg.raw ?? {}), architectures: [architecture], model_type: modelType, ...baseToHf(cfg), ...own };
  labelsToHf(out, cfg, keepRawLabels);
  return out;
}

/**
 * Writes numLabels/problemType into an outgoing config.json: id2label/label2id as transformers writes them.
 * `keepRawLabels` (BERT) leaves labels a raw config carried when the model states none.
 */
function labelsToHf(out: Record<string, unknown>, cfg: { numLabels?: number; problemType?: ProblemType }, keepRawLabels = false): void {
  if (!keepRawLabels || cfg.numLabels !== undefined) {
    delete out.num_labels;
    if (!keepRawLabels) { delete out.id2label; delete out.label2id; }
  }
  if (cfg.numLabels !== undefined) {
    out.id2label = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
    out.label2id = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [`LABEL_${i}`, i]));
  }
  if (cfg.problemType) out.problem_type = cfg.problemType;
}

/**
 * The checks every family's validator ends with: the listed keys positive integers, layerNormEps > 0, a known
 * activation, a positive label count. `name` is the config type ("AlbertConfig"); `jsonName` adds the config.json key.
 */
export function checkPositiveInts<C extends object>(name: string, cfg: C, keys: (keyof C)[], jsonName = false): void {
  for (const key of keys) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      const json = jsonName ? ` (config.json "${String(key).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}")` : '';
      throw new Error(`${name}.${String(key)}${json} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
}

/** The shared fields' checks, `name` being the config type; the family checks its own sizes itself. */
export function checkBase(name: string, cfg: TransformerConfigBase, jsonName = false): void {
  checkPositiveInts(name, cfg, ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize',
    'maxPositionEmbeddings', 'typeVocabSize'], jsonName);
  checkCommon(name, cfg);
}

function checkCommon(name: string, cfg: TransformerConfigBase): void {
  if (!(cfg.layerNormEps > 0)) throw new Error(`${name}.layerNormEps must be > 0, got ${cfg.layerNormEps}`);
  if (!HIDDEN_ACTS.includes(cfg.hiddenAct)) {
    throw new Error(`${name}.hiddenAct must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(cfg.hiddenAct)}`);
  }
  if (cfg.numLabels !== undefined && (!Number.isInteger(cfg.numLabels) || cfg.numLabels <= 0)) {
    throw new Error(`${name}.numLabels must be a positive integer, got ${cfg.numLabels}`);
  }
}
