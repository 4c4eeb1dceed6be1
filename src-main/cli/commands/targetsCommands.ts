// wid targets: execution targets (SLURM clusters) runs can be sent to with "target": "NAME".
import type { ExecutionTarget } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { textTable } from '../textTable.js';

type Print = (line: string) => void;

export interface TargetAddOptions {
  host?: string; partition?: string; account?: string; gpus?: number; cpus?: number; time?: string;
  shared: string; remoteDir?: string; node?: string; requeue?: boolean;
}

const where = (t: ExecutionTarget) => t.settings.host ? `ssh ${t.settings.host}` : 'this machine';

export async function targetsListCommand(service: Service, opts: { json?: boolean }, print: Print): Promise<number> {
  const targets = await service.call('targets.list', {});
  if (opts.json) { print(JSON.stringify(targets, null, 2)); return 0; }
  print(textTable(['name', 'kind', 'commands on', 'partition', 'account', 'gpus', 'cpus', 'time limit', 'shared folder'], [
    ['local', 'local', 'this machine', null, null, null, null, null, null],
    ...targets.map((t) => [t.name, t.kind, where(t), t.settings.partition ?? '(default)', t.settings.account ?? '(default)', t.settings.gpus,
      t.settings.cpus, t.settings.timeLimit, t.settings.remoteDir ? `${t.settings.sharedDir} (cluster: ${t.settings.remoteDir})` : t.settings.sharedDir]),
  ]));
  return 0;
}

export async function targetsAddCommand(service: Service, name: string, o: TargetAddOptions, print: Print): Promise<number> {
  const t = await service.call('targets.register', {
    name, kind: 'slurm', sharedDir: o.shared,
    ...(o.host ? { host: o.host } : {}), ...(o.partition ? { partition: o.partition } : {}), ...(o.account ? { account: o.account } : {}),
    ...(o.gpus !== undefined ? { gpus: o.gpus } : {}), ...(o.cpus !== undefined ? { cpus: o.cpus } : {}), ...(o.time ? { timeLimit: o.time } : {}),
    ...(o.remoteDir ? { remoteDir: o.remoteDir } : {}), ...(o.node ? { node: o.node } : {}), ...(o.requeue === false ? { requeue: false } : {}),
  });
  print(`target ${t.name} registered: SLURM on ${where(t)}, ${t.settings.gpus} GPU(s) and ${t.settings.cpus} CPU(s) per job, ${t.settings.timeLimit}, shared folder ${t.settings.sharedDir}`);
  return 0;
}

export async function targetsCheckCommand(service: Service, name: string, print: Print): Promise<number> {
  const r = await service.call('targets.check', { name });
  print(`target ${name}: ok (${r.message})`);
  return 0;
}

export async function targetsRemoveCommand(service: Service, name: string, print: Print): Promise<number> {
  await service.call('targets.remove', { name });
  print(`target ${name} removed`);
  return 0;
}
