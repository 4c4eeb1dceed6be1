// Which precision the training step's matmuls run in, decided once per process. 'fp32' is the register-tiled
// kernel (webgpu-matmul.ts) or the backend's own; 'f16-tc' the subgroup-matrix kernel (f16 tiles, f32
// accumulation, fp32 master weights), only where the webgpu adapter exposes the subgroup-matrix feature.
export type MatmulPrecision = 'fp32' | 'f16-tc';
export const MATMUL_PRECISIONS: readonly MatmulPrecision[] = ['fp32', 'f16-tc'];

let tensorCores = false;
let current: MatmulPrecision = 'fp32';

/** Set by the webgpu backend's selection when its device was created with the features f16-tc needs. */
export function setTensorCoresAvailable(available: boolean): void {
  tensorCores = available;
  if (!available) current = 'fp32';
}

export function tensorCoresAvailable(): boolean {
  return tensorCores;
}

/** Chooses the matmuls' precision; 'f16-tc' where the device cannot run it is an error that says why. */
export function setMatmulPrecision(p: MatmulPrecision): void {
  if (!MATMUL_PRECISIONS.includes(p)) throw new Error(`matmul precision must be one of ${MATMUL_PRECISIONS.join(', ')}, got ${String(p)}`);
  if (p === 'f16-tc' && !tensorCores) {
    throw new Error('precision f16-tc needs a webgpu device with shader-f16 and chromium-experimental-subgroup-matrix (this backend has not); use fp32');
  }
  current = p;
}

export function matmulPrecision(): MatmulPrecision {
  return current;
}
