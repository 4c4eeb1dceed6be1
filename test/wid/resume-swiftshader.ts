// Child process of resume.test.ts: the stop-and-resume runs on webgpu (SwiftShader). Prints one JSON line.
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { resumeParity } from './support/resume-runs.js';

const backend = await selectBackend('webgpu');
console.log(JSON.stringify({ device: backend.device, runs: await resumeParity() }));
