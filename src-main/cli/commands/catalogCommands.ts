// wid models / wid datasets / wid info: register and list what runs refer to (teacherModelId, datasetId),
// and the backends usable here — so a WID or baseline run can be set up without the UI.
import { resolve } from 'node:path';
import type { Service } from '../../app/service/contract.js';
import { CliError } from '../cliError.js';
import { formatNumber, textTable } from '../textTable.js';

type Print = (line: string) => void;

const sizeText = (bytes: number | null) => (bytes === null ? null : `${formatNumber(bytes / 2 ** 20)} MiB`);

export async function modelsListCommand(service: Service, opts: { kind?: string; json?: boolean }, print: Print): Promise<number> {
  if (opts.kind !== undefined && opts.kind !== 'teacher' && opts.kind !== 'student') {
    throw new CliError(`--kind must be teacher or student, got "${opts.kind}"`, 2);
  }
  const models = await service.call('models.list', opts.kind ? { kind: opts.kind } : {});
  if (opts.json) { print(JSON.stringify(models, null, 2)); return 0; }
  if (models.length === 0) { print('no models (register one with: wid models register PATH)'); return 0; }
  print(textTable(['id', 'name', 'kind', 'params', 'size', 'from run', 'path'], models.map((m) => [
    m.id, m.name, m.kind, m.parameterCount, sizeText(m.fileSize), m.sourceRunId, m.path,
  ])));
  return 0;
}

export async function modelsRegisterCommand(service: Service, path: string, opts: { name?: string; kind?: string }, print: Print): Promise<number> {
  if (opts.kind !== undefined && opts.kind !== 'teacher' && opts.kind !== 'student') {
    throw new CliError(`--kind must be teacher or student, got "${opts.kind}"`, 2);
  }
  const model = await service.call('models.register', {
    path: resolve(path), ...(opts.name ? { name: opts.name } : {}), ...(opts.kind ? { kind: opts.kind } : {}),
  });
  print(`model ${model.id} "${model.name}" registered (${model.kind}, ${model.parameterCount ?? '?'} parameters)`);
  return 0;
}

export async function datasetsListCommand(service: Service, opts: { json?: boolean }, print: Print): Promise<number> {
  const datasets = await service.call('datasets.list', {});
  if (opts.json) { print(JSON.stringify(datasets, null, 2)); return 0; }
  if (datasets.length === 0) { print('no datasets (register one with: wid datasets register PATH --kind corpus|glue)'); return 0; }
  print(textTable(['id', 'name', 'kind', 'path'], datasets.map((d) => [d.id, d.name, d.kind, d.path])));
  return 0;
}

export async function datasetsRegisterCommand(service: Service, path: string, opts: { name?: string; kind?: string }, print: Print): Promise<number> {
  if (opts.kind !== 'corpus' && opts.kind !== 'glue') throw new CliError(`--kind must be corpus or glue, got "${opts.kind ?? ''}"`, 2);
  const dataset = await service.call('datasets.register', { path: resolve(path), kind: opts.kind, ...(opts.name ? { name: opts.name } : {}) });
  const { warnings, ...stats } = dataset.stats as { warnings?: string[] };
  print(`dataset ${dataset.id} "${dataset.name}" registered (${dataset.kind}) ${JSON.stringify(stats)}`);
  for (const w of warnings ?? []) print(`warning: ${w}`);
  return 0;
}

export async function infoCommand(service: Service, opts: { json?: boolean }, print: Print): Promise<number> {
  const info = await service.call('system.info', {});
  if (opts.json) { print(JSON.stringify(info, null, 2)); return 0; }
  print(`WID Workbench ${info.version}`);
  print(`data folder: ${info.dataDir}`);
  print(info.database.ok ? `database: ok (PRAGMA quick_check)${info.database.backup ? `, backup ${info.database.backup} (${info.database.backupTime})` : ''}` : `database: DAMAGED: ${info.database.message}`);
  print(textTable(['backend', 'usable', 'why not'], info.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.reason ?? ''])));
  return 0;
}
