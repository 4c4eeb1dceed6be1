// Why a backend is unavailable, in words a user can act on. The engine's probe reports the raw loader error
// ("Cannot find package '@tensorflow/tfjs-node-gpu' imported from ..."): the native TensorFlow packages are
// optional dependencies that download libtensorflow when installed, so a missing one means "not installed".
import type { SystemInfo } from '../../../src-main/shared/api/index.js';

type Probe = SystemInfo['backends'][number];

export function backendHint(b: Probe): string {
  if (b.available) return '';
  const reason = b.reason ?? '';
  const missing = [...reason.matchAll(/Cannot find (?:package|module) '(@tensorflow\/tfjs-node(?:-gpu)?)'/g)].map((m) => m[1]);
  if (b.name === 'tensorflow' && missing.length) {
    return 'not installed — optional: run "npm install @tensorflow/tfjs-node-gpu" (CUDA GPU) or "npm install @tensorflow/tfjs-node" (CPU); both download libtensorflow';
  }
  if (b.name === 'webgpu') return `no WebGPU adapter here${reason ? ` (${reason.slice(0, 120)})` : ''}; the GPU build of Dawn needs Vulkan drivers`;
  return reason ? `unavailable: ${reason.slice(0, 160)}` : 'unavailable';
}
