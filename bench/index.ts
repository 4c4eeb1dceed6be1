// `npm run bench -- NAME [args]`: runs bench/NAME.ts's exported main(args).
// (Minimal dispatcher created by GPU for gpu-compare/gpu-probe; ENGINE owns and may extend it.)
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run bench -- NAME [args]   (NAME = a file bench/NAME.ts: forward, train-step, gpu-compare, gpu-probe, ...)');
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main?: (argv: string[]) => Promise<void> };
if (typeof mod.main !== 'function') {
  console.error(`bench/${name}.ts exports no main(argv)`);
  process.exit(2);
}
await mod.main(args);
