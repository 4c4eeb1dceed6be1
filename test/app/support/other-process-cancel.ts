// Run as a separate process: opens the service on WID_HOME with its own runner (like a second CLI),
// prints the run's status as it sees it, cancels the run and exits.
import { createService } from '../../../src-main/app/service/index.js';

const [home, id] = process.argv.slice(2);
const s = await createService({ home, mode: 'cli' });
const before = await s.call('runs.get', { id: Number(id) });
const after = await s.call('runs.cancel', { id: Number(id) });
console.log(JSON.stringify({ before: before.status, after: after.status }));
await s.close();
