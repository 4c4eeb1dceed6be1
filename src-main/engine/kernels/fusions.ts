// The switch for the fused kernels that replace several tfjs ops (attention softmax, cross-entropy): env
// WID_FUSIONS=off runs the tfjs ops instead, read at each call so one process can time both.
export const fusionsOn = (): boolean => process.env.WID_FUSIONS !== 'off';
