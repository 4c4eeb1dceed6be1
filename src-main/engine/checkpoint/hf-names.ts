// Maps the tensor names found in Hugging Face BERT checkpoints onto our weight record's names
// (BertForMaskedLM / BertForSequenceClassification layout with the `bert.` prefix), and back.

/** Buffers and heads we never use; they are skipped on load without complaint. */
const IGNORED = [
  /^bert\.embeddings\.position_ids$/,
  /^cls\.seq_relationship\./, // next-sentence head of BertForPreTraining
  /^cls\.predictions\.decoder\.bias$/, // tied to cls.predictions.bias
];

/**
 * Our name for a checkpoint tensor name: bare BertModel names get `bert.`, old TF-converted
 * `LayerNorm.gamma/beta` become `weight/bias` (as transformers renames them on load).
 * Returns null for buffers and heads we skip.
 */
export function ourWeightName(fileName: string): string | null {
  let name = fileName.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  if (/^(embeddings|encoder|pooler)\./.test(name)) name = `bert.${name}`;
  if (IGNORED.some((re) => re.test(name))) return null;
  return name;
}

/** The name a BertModel checkpoint uses (no `bert.` prefix); other architectures keep our names. */
export function bareBertModelName(ourName: string): string {
  return ourName.startsWith('bert.') ? ourName.slice('bert.'.length) : ourName;
}
