// targets.*: execution targets (SLURM clusters). A target is checked when it is registered and again whenever a run
// is created for it, so a bad one (no sbatch, an unreachable host, an unknown partition) is refused, naming the
// problem, before anything is written or submitted.
import { resolve } from 'node:path';
import type { ExecutionTarget, SlurmTargetSettings } from '../../shared/api/types.js';
import { checkTarget, TargetError } from '../slurm/check-target.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, conflict, notFound, optionalBool, optionalInt, optionalString, requestObject, stringField } from './validate.js';

/** The name meaning this machine (runs without a target). */
export const LOCAL_TARGET = 'local';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SLURM_WORD = /^[A-Za-z0-9][A-Za-z0-9_.,-]*$/;
/** SLURM's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const TIME_LIMIT = /^(\d+-\d{1,2}(:\d{1,2}){0,2}|\d+(:\d{1,2}){0,2})$/;

/** Longer than any host name (255), partition, account or command path a cluster uses. */
const MAX_SETTING_CHARS = 1024;

function optionalMatching(req: Record<string, unknown>, key: string, re: RegExp, what: string): string | null {
  const v = optionalString(req, key);
  if (v === undefined || v.trim() === '') return null;
  if (v.length > MAX_SETTING_CHARS) throw badRequest(`${key}: at most ${MAX_SETTING_CHARS} characters, got ${v.length}`);
  if (!re.test(v.trim())) throw badRequest(`${key}: expected ${what}, got ${JSON.stringify(v)}`);
  return v.trim();
}

function absoluteDir(req: Record<string, unknown>, key: string, required: boolean): string | null {
  const v = required ? stringField(req, key) : optionalString(req, key);
  if (v === undefined || v.trim() === '') return null;
  if (v.length > 4096 || v.includes('\0')) throw badRequest(`${key}: expected a path (at most 4096 characters, no NUL), got ${JSON.stringify(v.slice(0, 100))}`);
  if (!v.startsWith('/')) throw badRequest(`${key}: expected an absolute path, got ${JSON.stringify(v)}`);
  return resolve(v);
}

export function parseTargetSettings(req: Record<string, unknown>): SlurmTargetSettings {
  return {
    // an ssh destination; a leading '-' would be read as an ssh option
    host: optionalMatching(req, 'host', /^[A-Za-z0-9_][A-Za-z0-9_.@:%+-]*$/, 'an ssh destination such as user@login.cluster or a Host alias of your SSH config'),
    partition: optionalMatching(req, 'partition', SLURM_WORD, 'a SLURM partition name'),
    account: optionalMatching(req, 'account', SLURM_WORD, 'a SLURM account name'),
    gpus: optionalInt(req, 'gpus', 0, 64) ?? 1,
    cpus: optionalInt(req, 'cpus', 1, 1024) ?? 4,
    timeLimit: optionalMatching(req, 'timeLimit', TIME_LIMIT, 'a SLURM time limit such as 04:00:00 or 1-00:00:00') ?? '04:00:00',
    sharedDir: absoluteDir(req, 'sharedDir', true)!,
    remoteDir: absoluteDir(req, 'remoteDir', false),
    node: optionalMatching(req, 'node', /^[^\s'"`$;&|<>\\]+$/, 'a command or absolute path without spaces or shell characters') ?? 'node',
    requeue: optionalBool(req, 'requeue') ?? true,
  };
}

async function checked(settings: SlurmTargetSettings, name: string): Promise<string> {
  try { return await checkTarget(settings); } catch (err) {
    if (err instanceof TargetError) throw badRequest(`target ${name}: ${err.message}`);
    throw err;
  }
}

/**
 * The execution target a runs.create / groups.create request names (`target`; a run config's string `target` is
 * taken as the same, since a student size target is an object, and removed from the config): its name, or null for
 * this machine. An unknown name is refused here; checkTargetNow checks the cluster itself.
 */
export function requestedTarget(ctx: ServiceContext, req: Record<string, unknown>): string | null {
  const cfg = req.config;
  let name = optionalString(req, 'target');
  if (name === undefined && cfg && typeof cfg === 'object' && typeof (cfg as Record<string, unknown>).target === 'string') {
    name = (cfg as Record<string, unknown>).target as string;
    const { target: _, ...rest } = cfg as Record<string, unknown>;
    req.config = rest;
  }
  if (name === undefined || name.trim() === '' || name === LOCAL_TARGET) return null;
  if (!ctx.store.targets.byName(name)) {
    const known = ctx.store.targets.list().map((t) => t.name);
    throw badRequest(`target: no execution target named ${JSON.stringify(name)} (registered: ${[LOCAL_TARGET, ...known].join(', ')})`);
  }
  return name;
}

/** Checks a registered target now (sbatch reachable, partition accepted, shared folder seen): 400 naming the problem. */
export async function checkTargetNow(ctx: ServiceContext, name: string | null): Promise<void> {
  if (name === null) return;
  const target = ctx.store.targets.byName(name);
  if (!target) throw badRequest(`target: no execution target named ${JSON.stringify(name)}`);
  await checked(target.settings, name);
}

export function targetsHandlers(ctx: ServiceContext): Handlers<'targets.list' | 'targets.register' | 'targets.check' | 'targets.remove'> {
  const { store } = ctx;
  const byName = (req: Record<string, unknown>): ExecutionTarget => {
    const name = stringField(req, 'name');
    const t = store.targets.byName(name);
    if (!t) throw notFound(`no execution target named ${JSON.stringify(name)}`);
    return t;
  };
  return {
    'targets.list': () => store.targets.list(),

    'targets.register': async (raw) => {
      const req = requestObject(raw, 'targets.register');
      const name = stringField(req, 'name').trim();
      if (!NAME.test(name)) throw badRequest(`name: expected letters, digits, '.', '_' or '-' (at most 64), got ${JSON.stringify(name)}`);
      if (name === LOCAL_TARGET) throw badRequest(`name: "${LOCAL_TARGET}" means this machine; choose another name`);
      if (req.kind !== undefined && req.kind !== 'slurm') throw badRequest(`kind: expected "slurm", got ${JSON.stringify(req.kind)}`);
      const settings = parseTargetSettings(req);
      if (store.targets.byName(name)) throw conflict(`an execution target named ${JSON.stringify(name)} is registered already`);
      await checked(settings, name);
      return store.targets.insert({ name, kind: 'slurm', settings });
    },

    'targets.check': async (raw) => {
      const t = byName(requestObject(raw, 'targets.check'));
      return { ok: true as const, message: await checked(t.settings, t.name) };
    },

    'targets.remove': (raw) => {
      const t = byName(requestObject(raw, 'targets.remove'));
      const busy = store.runs.list({ status: ['queued', 'running'], includeArchived: true }).filter((r) => r.target === t.name);
      if (busy.length) throw conflict(`target ${t.name} has queued or running runs (${busy.map((r) => r.id).join(', ')}): cancel them first`);
      store.targets.remove(t.name);
      return { ok: true as const };
    },
  };
}
