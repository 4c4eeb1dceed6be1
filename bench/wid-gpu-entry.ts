// WID benchmark for the GPU machine (webgpu through Dawn), packed with
//   bash /work/shared/gpu/pack.sh bench/wid-gpu-entry.ts      then (device) bash .gpu/run.sh [SIZE...]
// Runs bench/wid.ts for each size (default: small, then base) on webgpu; each result goes to stdout
// and to $OUT/wid-bench-<size>-webgpu.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './wid.js';

const RUNS: Record<string, string[]> = {
  tiny: ['--size', 'tiny', '--batch', '8', '--seq', '128', '--steps', '10'],
  small: ['--size', 'small', '--batch', '16', '--seq', '128', '--steps', '10'],
  base: ['--size', 'base', '--batch', '8', '--seq', '128', '--steps', '5'],
};
const sizes = process.argv.slice(2).length ? process.argv.slice(2) : ['small', 'base'];
const errors: string[] = [];
for (const size of sizes) {
  const args = RUNS[size];
  if (!args) { errors.push(`unknown size ${size}`); continue; }
  const t0 = performance.now();
  try {
    await main([...args, '--backend', 'webgpu']);
    console.log(`wid bench ${size}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall`);
  } catch (err) {
    const msg = `wid bench ${size} failed: ${(err as Error).stack ?? err}`;
    console.error(msg);
    errors.push(msg);
  }
}
if (process.env.OUT && errors.length) writeFileSync(join(process.env.OUT, 'wid-gpu-errors.txt'), errors.join('\n\n'));
process.exit(errors.length ? 1 : 0);
