// Checks a SLURM target before anything is submitted: the shared folder is writable here and visible there, sbatch
// answers (here or over ssh), and the scheduler would accept a job with the target's partition, account, GPUs,
// CPUs and time limit (`sbatch --test-only`, which submits nothing). A problem is a TargetError naming it.
import { randomBytes } from 'node:crypto';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SlurmTargetSettings } from '../../shared/api/types.js';
import { describeReach, NOT_FOUND, SSH_FAILED, slurmCommand, slurmError, type CommandResult } from './command.js';
import { SharedPaths } from './job-files.js';
import { jobOptions } from './batch-script.js';

export class TargetError extends Error {
  constructor(message: string) { super(message); this.name = 'TargetError'; }
}

/** The ways a command can fail before SLURM itself answers: ssh, a missing command. */
function reachProblem(settings: SlurmTargetSettings, command: string, r: CommandResult): string | null {
  if (settings.host && r.code === SSH_FAILED) {
    return `cannot reach the login host ${settings.host} over ssh (${r.stderr.trim().split('\n').pop() || 'ssh exited 255'}); check that \`ssh ${settings.host}\` works without a password prompt (keys or agent in your SSH config)`;
  }
  if (r.code === NOT_FOUND) return `${command} not found on ${describeReach(settings)}: is SLURM installed there, and on the PATH of ${settings.host ? 'a non-interactive ssh shell' : 'this process'}?`;
  if (r.code === -1) return r.stderr.trim();
  return null;
}

function checkSharedFolder(settings: SlurmTargetSettings): string {
  const dir = settings.sharedDir;
  if (!isAbsolute(dir)) throw new TargetError(`sharedDir: expected an absolute path, got ${JSON.stringify(dir)}`);
  let isDir = false;
  try { isDir = statSync(dir).isDirectory(); } catch { /* missing */ }
  if (!isDir) throw new TargetError(`sharedDir: ${dir} is not a folder on this machine`);
  // beside, not inside, wid-workbench/: a refused target leaves the folder as it was
  const probe = join(dir, `.wid-probe-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, 'wid', { flag: 'wx' });
  } catch (err) {
    throw new TargetError(`sharedDir: cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return probe;
}

/** Returns a one-line summary of what was checked; throws a TargetError naming the first problem. */
export async function checkTarget(settings: SlurmTargetSettings): Promise<string> {
  const probe = checkSharedFolder(settings);
  try {
    const version = await slurmCommand(settings, ['sbatch', '--version']);
    const unreachable = reachProblem(settings, 'sbatch', version);
    if (unreachable) throw new TargetError(unreachable);
    if (version.code !== 0) throw new TargetError(`sbatch on ${describeReach(settings)} failed: ${slurmError(version)}`);
    const remoteProbe = new SharedPaths(settings).toRemote(probe);
    const seen = await slurmCommand(settings, ['test', '-f', remoteProbe]);
    if (seen.code !== 0) {
      throw new TargetError(`${describeReach(settings)} does not see the shared folder: ${remoteProbe} is missing there` +
        `${settings.remoteDir ? '' : ' (set remoteDir when the cluster mounts the folder at another path)'}`);
    }
    const test = await slurmCommand(settings, ['sbatch', '--test-only', ...jobOptions(settings), '--wrap', 'true']);
    const problem = reachProblem(settings, 'sbatch', test);
    if (problem) throw new TargetError(problem);
    if (test.code !== 0) throw new TargetError(`the cluster refuses this target's jobs: ${slurmError(test)}`);
    return `${version.stdout.trim()} on ${describeReach(settings)}; ${test.stderr.trim().split('\n').pop() ?? 'job accepted'}`;
  } finally {
    rmSync(probe, { force: true });
  }
}
