// Web mode as one unit: the service (mode 'web', runner on) plus the HTTP/WebSocket server in front of it.
// Used by serve.ts (npm start's fallback, browser tests) and `wid serve`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parallelRuns } from '../parallel-runs.js';
import { createService } from '../service/index.js';
import type { Service } from '../service/contract.js';
import { startWebServer, type RunningWebServer } from './server.js';

/** dist/renderer of this checkout (src-main/app/web -> repo root). */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

export interface WebMode { service: Service; server: RunningWebServer; close(): Promise<void> }

export async function startWebMode(opts: { home?: string; port?: number; staticDir?: string; parallel?: number }): Promise<WebMode> {
  const staticDir = opts.staticDir ?? DEFAULT_STATIC_DIR;
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`warning: ${join(staticDir, 'index.html')} is missing, so the UI will not load; build it with "npm run build".\n`);
  }
  const service = await createService({ ...(opts.home ? { home: opts.home } : {}), mode: 'web', concurrency: parallelRuns(opts.parallel) });
  let server: RunningWebServer;
  try {
    server = await startWebServer({ service, port: opts.port ?? 0, staticDir });
  } catch (err) {
    await service.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    service,
    server,
    close: () => closing ??= server.close().then(() => service.close()),
  };
}

/** Prints the machine-readable line first (tests and npm start parse it), then the line for people. */
export function announce(mode: WebMode, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  print(JSON.stringify({ url: mode.server.url, port: mode.server.port, dataDir: mode.service.dataDir }));
  print(`WID Workbench (web mode): ${mode.server.url}`);
  print(`data folder: ${mode.service.dataDir} — press Ctrl-C to stop`);
}

/** Closes cleanly on SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(mode: WebMode): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    mode.close().then(() => process.exit(0), (err: Error) => {
      process.stderr.write(`error while stopping after ${signal}: ${err.message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
