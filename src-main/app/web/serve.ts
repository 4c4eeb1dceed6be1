// Web-mode entry: `node --import tsx src-main/app/web/serve.ts [--home DIR] [--port N] [--static DIR] [--parallel N]`.
// First stdout line is JSON with "url" (with ?token=), then a line for people. Stops cleanly on SIGTERM/SIGINT.
import { Command } from 'commander';
import { parseParallel, parsePort } from './serve-args.js';
import { announce, closeOnSignals, startWebMode } from './webMode.js';

const program = new Command('serve')
  .description('Serve WID Workbench over HTTP + WebSocket on 127.0.0.1 with a per-start access token')
  .option('--home <dir>', 'data folder (default: WID_HOME, else the XDG data folder)')
  .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0)
  .option('--static <dir>', 'built renderer folder (default: dist/renderer)')
  .option('--parallel <n>', 'runs executed at once (default: WID_PARALLEL, else 1)', parseParallel)
  .showHelpAfterError();
program.parse();
const opts = program.opts<{ home?: string; port: number; static?: string; parallel?: number }>();

try {
  const mode = await startWebMode({ home: opts.home, port: opts.port, staticDir: opts.static, parallel: opts.parallel });
  closeOnSignals(mode);
  announce(mode);
} catch (err) {
  process.stderr.write(`WID Workbench web mode could not start: ${(err as Error).message}\n`);
  process.exit(1);
}
