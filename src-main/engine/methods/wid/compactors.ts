// Row and column compactors (docs/wid.md §1): square trainable matrices, identity at the start, one pair
// per teacher linear map (the embedding sum and the tied decoder share one). Keys name the HF module they
// wrap plus ".row" (output side) or ".col" (input side).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from '../../bert/index.js';

export type Compactors = Record<string, tf.Variable>;

export const EMBEDDING_COMPACTOR = 'bert.embeddings.row';
export const MLM_TRANSFORM = 'cls.predictions.transform.dense';

/** Module name -> [column compactor size, row compactor size] for each compressed linear map. */
export function compactedLinears(cfg: BertConfig): Record<string, [number, number]> {
  const H = cfg.hiddenSize, I = cfg.intermediateSize;
  const out: Record<string, [number, number]> = {};
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const qkv of ['query', 'key', 'value']) out[`${p}attention.self.${qkv}`] = [H, H];
    out[`${p}attention.output.dense`] = [H, H];
    out[`${p}intermediate.dense`] = [H, I];
    out[`${p}output.dense`] = [I, H];
  }
  out[MLM_TRANSFORM] = [H, H];
  return out;
}

/**
 * Identity-initialised compactors. With a prefix the variables are named `<prefix><key>` (stable names,
 * so AdamW state restores by name; tfjs names are global, so only one method per prefix may live at a
 * time); without one they get tfjs' generated names (tests).
 */
export function createCompactors(cfg: BertConfig, prefix?: string): Compactors {
  const make = (key: string, n: number) => tf.tidy(() => tf.variable(tf.eye(n), true, prefix === undefined ? undefined : `${prefix}${key}`));
  const c: Compactors = { [EMBEDDING_COMPACTOR]: make(EMBEDDING_COMPACTOR, cfg.hiddenSize) };
  for (const [name, [inSize, outSize]] of Object.entries(compactedLinears(cfg))) {
    c[`${name}.col`] = make(`${name}.col`, inSize);
    c[`${name}.row`] = make(`${name}.row`, outSize);
  }
  return c;
}

export function compactorParameterCount(c: Compactors): number {
  return Object.values(c).reduce((n, v) => n + v.size, 0);
}
