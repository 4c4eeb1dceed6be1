// node:test reporter for `npm test`: how long each test file took (from its process starting to its last event),
// the slowest first, with the browser files' sum, so the suite's time (issue 27: keep CI inside 90 minutes) is
// measured on every run instead of guessed. Printed once, after every file has reported.
export default async function* timings(source) {
  const span = new Map();
  const t0 = Date.now();
  for await (const e of source) {
    const file = e.data?.file;
    // every file is enqueued at the start; it begins when it is dequeued
    if (!file || e.type === 'test:enqueue') continue;
    const now = Date.now();
    const s = span.get(file) ?? { first: now, last: now };
    s.last = now;
    span.set(file, s);
  }
  const root = process.cwd() + '/';
  const rows = [...span].map(([file, s]) => ({ file: file.startsWith(root) ? file.slice(root.length) : file, seconds: (s.last - s.first) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  const sum = (pred) => rows.filter(pred).reduce((a, r) => a + r.seconds, 0);
  yield '\n# test file timings (wall seconds per file, slowest first)\n';
  for (const r of rows) yield `#   ${r.seconds.toFixed(1).padStart(7)}  ${r.file}\n`;
  yield `# browser files: ${sum((r) => r.file.startsWith('test/browser/')).toFixed(1)} s in ${rows.filter((r) => r.file.startsWith('test/browser/')).length} files; `
    + `all files: ${sum(() => true).toFixed(1)} s summed, ${((Date.now() - t0) / 1000).toFixed(1)} s wall\n`;
}
