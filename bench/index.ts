// `npm run bench -- NAME [args] [--json FILE]`: runs one named benchmark (bench/lib/registry.ts);
// `--json FILE` writes the record it returns. `npm run bench -- list` names them all.
import { BENCHMARKS, benchEntry, runBenchMain } from './lib/registry.js';
import { explainBackendError } from '../src-main/engine/backend/index.js';

const [name, ...rest] = process.argv.slice(2);
if (!name || name === 'list' || name === '--help') {
  console.log('usage: npm run bench -- NAME [args] [--json FILE]   (NAME --help for its options where it has them)\n');
  for (const [n, e] of Object.entries(BENCHMARKS)) console.log(`  ${n.padEnd(20)} ${e.summary}`);
  process.exit(name ? 0 : 2);
}
try {
  const entry = benchEntry(name);
  await runBenchMain((await entry.load()).main, rest);
} catch (e) {
  console.error(`bench ${name}: ${(explainBackendError(e) as Error).message}`);
  process.exit(1);
}
