// How a run's steps ran, as its result records it (wid show, the run log): replayed from a captured step or
// eager, and why eager.
import type { CaptureStatus } from './captured-step.js';

export interface StepPath { path: 'replay' | 'eager'; reason: string | null; replayedSteps: number; eagerSteps: number; captures: number }

export function stepPathOf(s: CaptureStatus): StepPath {
  return { path: s.path, reason: s.reason, replayedSteps: s.replayedSteps, eagerSteps: s.eagerSteps, captures: s.captures };
}

export function describeStepPath(s: StepPath): string {
  const total = s.replayedSteps + s.eagerSteps;
  return s.path === 'replay'
    ? `replayed from a capture (${s.replayedSteps} of ${total} steps, ${s.captures} capture${s.captures === 1 ? '' : 's'})`
    : `eager (${s.reason ?? 'not captured'})`;
}
