// The switch for the fused kernels that replace several tfjs ops: attention-softmax, cross-entropy, bias-gelu, the bias
// add in the matmul's store (matmul-bias), the column sum for reductions over leading axes (column-sum: tfjs transposes
// first), the attention heads' split/merge [B, S, H, D] <-> [B, H, S, D] as a row copy (head-transpose), WID's authors'
// penalty in one dispatch per tensor (wid-penalty), the LayerNorm with WID's keep vector in the fused kernels
// (layer-norm-keep), the LayerNorm's γ and β gradients in one pass (layer-norm-grads) and the global norm's Σ g² by
// rows without a squared copy (sum-of-squares).
// env WID_FUSIONS=off runs the tfjs ops instead; a comma list of '-name' leaves out just those fusions
// (e.g. WID_FUSIONS=-bias-gelu). Read at each call so one process can time both.
export type FusionName = 'attention-softmax' | 'cross-entropy' | 'bias-gelu' | 'column-sum' | 'matmul-bias' | 'head-transpose' | 'wid-penalty'
  | 'layer-norm-keep' | 'layer-norm-grads' | 'sum-of-squares';

export const fusionsOn = (name?: FusionName, env: NodeJS.ProcessEnv = process.env): boolean => {
  const v = env.WID_FUSIONS ?? '';
  if (v === 'off') return false;
  return !name || !v.split(',').map((s) => s.trim()).includes(`-${name}`);
};
