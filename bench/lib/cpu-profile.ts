// In-process V8 CPU profile (node:inspector), so a bundled benchmark can profile itself where
// node flags cannot be passed (the GPU machine's runner). Also summarises self time by function.
import { Session } from 'node:inspector/promises';
import { renameSync, writeFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export async function withCpuProfile<T>(file: string | undefined, f: () => Promise<T>): Promise<T> {
  if (!file) return f();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await f();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    writeFileSync(file + '.tmp', JSON.stringify(profile));
    renameSync(file + '.tmp', file);
    printSelfTime(profile, 30);
  }
}

/** Top functions by self time (sample counts × mean interval). */
export function printSelfTime(profile: Profile, top: number): void {
  const byNode = new Map<number, number>();
  for (const id of profile.samples) byNode.set(id, (byNode.get(id) ?? 0) + 1);
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = totalMs / Math.max(profile.samples.length, 1);
  const byFn = new Map<string, number>();
  for (const n of profile.nodes) {
    const c = byNode.get(n.id) ?? 0;
    if (!c) continue;
    const url = n.callFrame.url.split('/').pop() ?? '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + c);
  }
  console.log(`cpu profile: ${totalMs.toFixed(0)} ms, ${profile.samples.length} samples; top self time:`);
  for (const [k, c] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(c * perSample).toFixed(1).padStart(9)} ms  ${(100 * c / profile.samples.length).toFixed(1).padStart(5)}%  ${k}`);
  }
}
