// Runs a SLURM command (sbatch, squeue, scontrol, scancel, ...) where the target says: on this machine, or on a
// login host over ssh as the user's own SSH configuration allows (keys, agent, aliases, jump hosts). BatchMode:
// ssh never asks for a password, so an unreachable or unauthorised host fails fast instead of hanging.
import { spawn } from 'node:child_process';

export interface Reach { host: string | null }
export interface CommandResult { code: number; stdout: string; stderr: string }

/** ssh exits 255 for its own errors (host unknown, refused, authentication); the remote command's code otherwise. */
export const SSH_FAILED = 255;
/** What a shell answers for a command it cannot find; also used for a local ENOENT. */
export const NOT_FOUND = 127;

const DEFAULT_TIMEOUT_MS = 30_000;

/** Single-quotes an argument for the remote shell that ssh runs the command with. */
export const shellQuote = (arg: string) => (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

export function describeReach(reach: Reach): string {
  return reach.host ? `the login host ${reach.host}` : 'this machine';
}

export function slurmCommand(reach: Reach, argv: string[], opts: { timeoutMs?: number } = {}): Promise<CommandResult> {
  const [file, args] = reach.host
    ? ['ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', reach.host, '--', argv.map(shellQuote).join(' ')]]
    : [argv[0]!, argv.slice(1)];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (r: CommandResult) => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      // spawn throws synchronously for what it cannot even try (E2BIG, a NUL in an argument)
      resolve({ code: -1, stdout: '', stderr: `${argv[0]} could not be started: ${(err as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: -1, stdout, stderr: `${stderr}${argv[0]} on ${describeReach(reach)} did not answer within ${(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s` });
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (err: NodeJS.ErrnoException) => {
      done({ code: err.code === 'ENOENT' ? NOT_FOUND : -1, stdout, stderr: err.code === 'ENOENT' ? `${file}: command not found` : err.message });
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** SLURM's own words from a failed command: its "error:" lines, else the last line it printed. */
export function slurmError(r: CommandResult): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /error|fatal|invalid/i.test(l)).map((l) => l.replace(/^\w+: (error|fatal): /, ''));
  return (errors.length ? errors : lines.slice(-1)).join('; ') || `exit code ${r.code}`;
}
