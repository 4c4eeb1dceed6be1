// Whether Resume can help a stopped run. Paused, cancelled and interrupted runs continue from their last checkpoint.
// A failed run fails again on the same input unless something outside it changed, so Resume is offered only when
// the failure can be transient (a file, memory or device problem after training began) and not for a bad config
// (the same settings are refused again) or a diverged loss (the same checkpoint diverges again).
import type { RunRecord } from '../../../src-main/shared/api/index.js';

export function resumeHelps(run: RunRecord): { helps: boolean; why: string } {
  if (['paused', 'cancelled', 'interrupted'].includes(run.status)) return { helps: true, why: 'continues from the last checkpoint' };
  if (run.status !== 'failed') return { helps: false, why: '' };
  const e = run.error ?? '';
  if (/config|expected|must be|is not a GLUE task|unknown/i.test(e)) {
    return { helps: false, why: 'Resume would repeat this failure: the settings were refused. Duplicate the run and change them.' };
  }
  if (/wasm backend ran out of memory/i.test(e)) {
    return { helps: false, why: 'Resume would run out of wasm memory again: duplicate the run on the webgpu or tensorflow backend, or with a smaller batch.' };
  }
  if (/diverged|NaN|not finite/i.test(e)) {
    return { helps: false, why: 'Resume would diverge again from the same checkpoint: duplicate the run with a lower learning rate.' };
  }
  return { helps: true, why: 'retries from the last checkpoint (fix the cause first, e.g. a missing file or too little memory)' };
}
