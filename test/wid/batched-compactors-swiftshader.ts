// Child process of batched-compactors.test.ts (webgpu on SwiftShader, set up by the parent): the batched compactor
// products against the per-linear step, eager and through the captured replay. Prints one JSON line.
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { compareBatchedCompactors } from './support/batched-compactors-check.js';

const backend = await selectBackend('webgpu');
const eager = await compareBatchedCompactors('off');
const replayed = await compareBatchedCompactors('auto', 5);
console.log(JSON.stringify({ device: backend.device, eager, replayed }));
