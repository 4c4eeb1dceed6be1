// The one-node SLURM cluster the SLURM target's tests submit to (scripts/slurm/local-cluster.sh): started once per
// machine, as root. Tests skip, saying why, only where it truly cannot start (not root, SLURM not installed); on a
// machine that has SLURM and root (CI: .ci/run installs it) a cluster that fails to start fails the tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const SCRIPT = join(root, 'scripts/slurm/local-cluster.sh');

export interface Cluster { env: Record<string, string> }

const installed = () => ['sbatch', 'slurmctld', 'slurmd', 'munged'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

/** The cluster's client environment, or the reason the tests skip. Throws when SLURM is there but does not start. */
export function localCluster(): Cluster | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'the one-node SLURM cluster needs root (slurmctld/slurmd); CI runs as root' };
  if (!installed()) return { skip: 'SLURM is not installed (scripts/slurm/local-cluster.sh install, or .ci/run, installs Debian\'s slurm-wlm and munge)' };
  const r = spawnSync(SCRIPT, ['start'], { encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0) throw new Error(`scripts/slurm/local-cluster.sh start failed:\n${r.stderr}`);
  const conf = /SLURM_CONF=(\S+)/.exec(r.stdout)?.[1];
  if (!conf) throw new Error(`local-cluster.sh printed no SLURM_CONF: ${r.stdout}`);
  process.env.SLURM_CONF = conf;
  return {
    env: {
      SLURM_CONF: conf,
      // follow jobs faster than a real cluster's users need: tests wait on them
      WID_SLURM_POLL_MS: '300',
      WID_SLURM_STATE_POLL_MS: '700',
    },
  };
}

/** A fresh shared working folder (the node is this machine, so /tmp is shared). */
export function sharedFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wid-slurm-shared-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** SLURM's view of a job: its state word, or null once it is unknown. */
export function jobState(jobId: string, env: Record<string, string>): string | null {
  try {
    const out = execFileSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8', env: { ...process.env, ...env } });
    return /JobState=(\S+)/.exec(out)?.[1] ?? null;
  } catch { return null; }
}

/** Every job id SLURM knows now (running, pending or recently finished). */
export function knownJobIds(env: Record<string, string>): string[] {
  try {
    const out = execFileSync('scontrol', ['show', 'job', '-o'], { encoding: 'utf8', env: { ...process.env, ...env } });
    return [...out.matchAll(/JobId=(\d+)/g)].map((m) => m[1]!);
  } catch { return []; }
}

export async function waitFor<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
