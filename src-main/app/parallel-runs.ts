// How many runs the app (Electron or web mode) executes at once: `--parallel N` where the command has it,
// else WID_PARALLEL (so `npm start -- --parallel N` reaches Electron too), else 1 (runs queue one after another).
// Each run is its own worker process holding its own model, so N is bounded by the user's memory, not checked here.
export function parallelRuns(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) return explicit;
  const raw = env.WID_PARALLEL;
  if (raw === undefined || raw === '') return 1;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new Error(`WID_PARALLEL must be a positive integer (runs executed at once), got "${raw}"`);
  return Number(raw);
}
