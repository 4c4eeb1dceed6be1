// Issue 26 item 4 through the command line: a run config the service refuses (a cross-field rule, an unknown
// option, a non-finite number, a fine-tune that cannot fit in memory) exits 2 naming the field, the value and what
// was expected, and writes no run row and no run folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runWid } from './support/runWid.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');
const CORPUS = resolve('test/fixtures/corpus/pride-and-prejudice.txt');
const GLUE = resolve('test/fixtures/glue');

let home: string;
let cwd: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'wid-cli-refused-'));
  cwd = mkdtempSync(join(tmpdir(), 'wid-cli-refused-cwd-'));
  const giant = join(cwd, 'giant');
  cpSync(TINY, giant, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(giant, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(giant, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 2 ** 20 }));
  const wid = (own: string) => `{"method": "wid", "teacherPath": ${JSON.stringify(TINY)}, "corpusPath": ${JSON.stringify(CORPUS)}, "preset": "wid55", "steps": 2, "seqLen": 32, "batchSize": 2, "wid": ${own}}`;
  writeFileSync(join(cwd, 'prune.json'), wid('{"pruneStart": 0.7, "pruneEnd": 0.5}'));
  writeFileSync(join(cwd, 'typo.json'), wid('{"temprature": 2}'));
  // JSON.parse reads 1e999 as Infinity: refused, not stored as null and run with the default
  writeFileSync(join(cwd, 'huge.json'), wid('{"temperature": 1e999}'));
  writeFileSync(join(cwd, 'giant.json'), JSON.stringify({ method: 'finetune', modelPath: giant, gluePath: GLUE, task: 'RTE' }));
  // f16 tensor-core matmuls on a backend that has none: refused at once, not a run that fails in its worker
  writeFileSync(join(cwd, 'f16.json'), JSON.stringify({ method: 'selftest', backend: 'cpu', precision: 'f16-tc' }));
});
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const cases: [string, RegExp][] = [
  ['prune.json', /wid\.pruneEnd: expected a fraction in \[pruneStart=0\.7, 1\], got 0\.5/],
  ['typo.json', /wid\.temprature: unknown option; expected one of .*temperature/],
  ['huge.json', /wid\.temperature: expected a number > 0 \(at most 100\), got Infinity/],
  ['f16.json', /precision: "f16-tc" runs on webgpu only .*backend "cpu" has none/],
  ['giant.json', /finetune config: one fine-tuning step of batchSize 32 x 128 tokens on this 2-layer, 1048576-wide model needs at least [\d.]+ GiB/],
];

for (const [file, message] of cases) {
  test(`wid run --config ${file} exits 2 naming the field, and writes no run`, async () => {
    const res = await runWid(['--home', home, 'run', '--config', file], { cwd });
    assert.equal(res.code, 2, `stdout:\n${res.stdout}\nstderr:\n${res.stderr}`);
    assert.match(res.stderr, message);
    const list = await runWid(['--home', home, 'list', '--json'], { cwd });
    assert.deepEqual(JSON.parse(list.stdout), []);
    const runsDir = join(home, 'runs');
    assert.ok(!existsSync(runsDir) || readdirSync(runsDir).length === 0, 'no run folder written');
  });
}
