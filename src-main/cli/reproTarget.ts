// `wid repro --target NAME`: the reproduction keeps its own run store (<out>/home), so the target the user registered
// in their data folder is registered there too (checked again, as any registration is) before any run is created.
import { createService } from '../app/service/index.js';
import type { Service } from '../app/service/contract.js';
import { ReproInputError } from '../app/repro/options.js';

export async function ensureReproTarget(repro: Service, name: string, userHome: string | undefined): Promise<void> {
  if (name === 'local' || (await repro.call('targets.list', {})).some((t) => t.name === name)) return;
  const user = await createService({ ...(userHome ? { home: userHome } : {}), mode: 'cli', startRunner: false });
  let target;
  try {
    target = (await user.call('targets.list', {})).find((t) => t.name === name);
  } finally {
    await user.close();
  }
  if (!target) throw new ReproInputError(`--target: no execution target named "${name}" in ${user.dataDir} (register it with \`wid targets add\`)`);
  await repro.call('targets.register', { name, ...target.settings, host: target.settings.host ?? undefined, partition: target.settings.partition ?? undefined,
    account: target.settings.account ?? undefined, remoteDir: target.settings.remoteDir ?? undefined });
}
