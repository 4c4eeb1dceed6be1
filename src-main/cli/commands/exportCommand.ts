// wid export ID --out DIR: the run's student as a Hugging Face folder (runs.exportStudent).
import { resolve } from 'node:path';
import type { Service } from '../../app/service/contract.js';

export async function exportCommand(service: Service, id: number, out: string, print: (line: string) => void): Promise<number> {
  const { path, files } = await service.call('runs.exportStudent', { id, dir: resolve(out) });
  print(`run ${id} student exported to ${path}`);
  for (const f of files) print(`  ${f}`);
  return 0;
}
