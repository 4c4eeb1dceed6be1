// One entry point for the GPU machine (bundled by scripts/gpu/pack.sh with Node and Dawn): `wid ARGS` runs the
// command line (and so `wid repro`), `bench NAME ARGS` one of the benchmarks below, `make-random-model ARGS`
// a random checkpoint of a given shape. Static imports only, so the bundler sees every module.
import { runBenchMain } from '../../bench/lib/registry.js';

const [cmd, ...rest] = process.argv.slice(2);
const benches: Record<string, () => Promise<{ main: (argv: string[]) => Promise<unknown> }>> = {
  glue: () => import('../../bench/glue.js'),
  'teacher-parity': () => import('../../bench/teacher-parity.js'),
  'wid-mask-overlap': () => import('../../bench/wid-mask-overlap.js'),
};
if (cmd === 'wid') {
  process.argv = [process.argv[0], 'wid', ...rest];
  await import('../../src-main/cli/main.js');
} else if (cmd === 'bench' && benches[rest[0]]) {
  // `--json FILE` as `npm run bench` takes it: the benchmark's record, written by the caller
  await runBenchMain((await benches[rest[0]]()).main, rest.slice(1));
  process.exit(0);
} else if (cmd === 'plan') {
  // bench/gpu-entry.ts: a named list of benchmarks with a deadline, figures into $OUT
  process.argv = [process.argv[0], 'gpu-entry', ...rest];
  await import('../../bench/gpu-entry.js');
} else if (cmd === 'make-random-model') {
  await (await import('./make-random-model.js')).main(rest);
  process.exit(0);
} else {
  console.error(`usage: entry wid ARGS | plan [--deadline S] [--plan NAME | ITEM...] | bench ${Object.keys(benches).join('|')} ARGS | make-random-model ARGS`);
  process.exit(2);
}
