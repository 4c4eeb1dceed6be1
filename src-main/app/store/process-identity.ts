// Which process owns a running run, told apart from a later process that got the same PID: the PID plus
// the process's start time (Linux: field 22 of /proc/<pid>/stat, clock ticks since boot). Where /proc is
// missing the start time is null and the PID alone decides.
import { readFileSync } from 'node:fs';

export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall; fields[0] is field 3 (state)
  } catch {
    return null;
  }
}

/** Signal 0 checks that a process exists without touching it (EPERM: it exists but is not ours). */
export function processIsAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; }
  catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** The owner recorded for a run is still that process: alive, and (where known) started at the recorded time. */
export function ownerIsAlive(pid: number, startedAt: string | null): boolean {
  if (!processIsAlive(pid)) return false;
  if (startedAt === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startedAt;
}
