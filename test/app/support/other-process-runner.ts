// Run as a separate process: opens the service on the given data folder with its runner, which picks
// up the queued runs; exits once run <id> has finished.
import { createService } from '../../../src-main/app/service/index.js';

const [home, id] = process.argv.slice(2);
const s = await createService({ home, mode: 'web' });
for (;;) {
  const run = await s.call('runs.get', { id: Number(id) });
  if (!['queued', 'running'].includes(run.status)) break;
  await new Promise((r) => setTimeout(r, 100));
}
await s.close();
