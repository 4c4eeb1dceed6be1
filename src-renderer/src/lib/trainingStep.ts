// How a run's result says its training steps ran, for the run page's facts: the step path (replayed from a capture,
// or eager) and the precision they trained in (fp32 or f16-tc, with dynamic loss scaling and its skipped steps).
// The same words as `wid show` (engine/capture/step-path.ts, engine/train/training-precision.ts), read from the
// result JSON alone: the renderer imports nothing from the engine.

interface StepPathRecord { path?: string; reason?: string | null; replayedSteps?: number; eagerSteps?: number }
interface LossScalingRecord { mode?: string; scale?: number | null; skippedSteps?: number }

/** "replayed (97 of 100 steps)" or "eager (why)"; null when the result records no step path. */
export function stepPathText(result: Record<string, unknown> | null | undefined): string | null {
  const s = result?.trainingStep as StepPathRecord | undefined;
  if (!s || typeof s !== 'object' || typeof s.path !== 'string') return null;
  if (s.path === 'replay') return `replayed (${s.replayedSteps ?? 0} of ${(s.replayedSteps ?? 0) + (s.eagerSteps ?? 0)} steps)`;
  return `eager${s.reason ? ` (${s.reason})` : ''}`;
}

/** "f16-tc, dynamic loss scaling (2 steps skipped)" or "fp32"; null when the result records no precision. */
export function precisionText(result: Record<string, unknown> | null | undefined): string | null {
  const p = result?.precision;
  if (typeof p !== 'string') return null;
  const ls = result?.lossScaling as string | LossScalingRecord | undefined;
  if (ls && typeof ls === 'object' && ls.mode === 'dynamic') {
    const n = ls.skippedSteps ?? 0;
    return `${p}, dynamic loss scaling (${n} step${n === 1 ? '' : 's'} skipped)`;
  }
  return ls === 'dynamic' ? `${p}, dynamic loss scaling` : p;
}
