// system.info: app version, data folder, mode, which tfjs backends this machine can use, and whether wid.db is sound.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeBackends } from '../../engine/backend/index.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { DB_FILE } from '../store/index.js';
import { describeDamage } from '../store/health.js';

/** version from the nearest package.json above this module (source tree or bundled app). */
function appVersion(): string {
  const url = (import.meta as { url?: string }).url;
  let dir = url ? dirname(fileURLToPath(url)) : __dirname;
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wid-workbench' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return process.env.npm_package_version ?? 'unknown';
}

export function systemHandlers(ctx: ServiceContext): Handlers<'system.info'> {
  let backends: Promise<Awaited<ReturnType<typeof probeBackends>>> | null = null;
  return {
    'system.info': async () => {
      // Probing imports optional native packages; do it once per service.
      backends ??= probeBackends();
      const health = ctx.store.health;
      const database = { ...health, message: health.ok ? null : describeDamage(join(ctx.dataDir, DB_FILE), health) };
      return { version: appVersion(), dataDir: ctx.dataDir, mode: ctx.mode, backends: await backends, database };
    },
  };
}
