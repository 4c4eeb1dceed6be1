// Where the app keeps its DB and run folders: an explicit override (Electron's userData), else
// WID_HOME, else the XDG data folder, so CLI, web mode and tests can each point somewhere else.
import os from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(override?: string): string {
  if (override) return resolve(override);
  if (process.env.WID_HOME) return resolve(process.env.WID_HOME);
  const xdg = process.env.XDG_DATA_HOME;
  const base = xdg && xdg.trim() !== '' ? xdg : join(os.homedir(), '.local', 'share');
  return join(base, 'wid-workbench');
}
