// `npm run bench -- numeric-check [--backend webgpu]`: a tiny BERT's MLM loss, every parameter gradient
// and the parameters after two AdamW steps on the backend against the pure-JS cpu backend (the
// reference path). Exits with an error on a mismatch, so a plan in gpu-entry records it as failed.
import { parseArgs } from 'node:util';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { checkAgainstCpu, formatCheck, NumericCheck } from './lib/numeric-check.js';

export async function main(argv: string[]): Promise<NumericCheck> {
  const { values } = parseArgs({ args: argv, options: { backend: { type: 'string', default: 'auto' } } });
  const backend = await selectBackend(values.backend as BackendPreference);
  const check = await checkAgainstCpu(backend.name);
  console.log(`numeric check ${backend.name} (${backend.device}) vs cpu: ${formatCheck(check)}`);
  if (!check.ok) throw new Error(`numeric check failed on ${backend.name}: ${formatCheck(check)}`);
  return check;
}

export const markdown = (c: NumericCheck) => `Numeric check ${c.backend} vs cpu: ${formatCheck(c)}`;
