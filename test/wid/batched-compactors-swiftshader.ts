// Child process of batched-compactors.test.ts (webgpu on SwiftShader, set up by the parent): the step with every cut
// on and the H x H-only batching against the per-linear step before them, eager, and every cut on through the
// captured replay (fewer paths than on cpu: SwiftShader is slow on a shared machine). Prints one JSON line.
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { compareBatchedCompactors } from './support/batched-compactors-check.js';

const backend = await selectBackend('webgpu');
const eager = (await compareBatchedCompactors({ paths: ['batched-rows-norm', 'square'], captures: ['off'] })).off;
const replayed = (await compareBatchedCompactors({ paths: ['batched-rows-norm'], captures: ['auto'] })).auto;
console.log(JSON.stringify({ device: backend.device, eager, replayed }));
