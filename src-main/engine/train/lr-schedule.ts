/** Linear warm-up from 0 to peak over warmupSteps, then linear decay to 0 at totalSteps (BERT recipe). */
export function learningRateAt(step: number, peakLr: number, warmupSteps: number, totalSteps: number): number {
  if (!(totalSteps > 0)) throw new Error(`totalSteps must be > 0, got ${totalSteps}`);
  if (warmupSteps < 0) throw new Error(`warmupSteps must be >= 0, got ${warmupSteps}`);
  if (step < warmupSteps) return (peakLr * (step + 1)) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  return peakLr * Math.max(0, (totalSteps - step) / decaySteps);
}
