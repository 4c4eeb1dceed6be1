// API methods whose engine pieces (checkpoint loader, tokenizer, WID attention artifact) have not
// landed yet. They answer `conflict` saying so, rather than returning made-up data.
import type { Handlers, ServiceContext } from './service-context.js';
import { conflict, idField, requestObject } from './validate.js';
import { getRun } from './runs.js';
import { getModel } from './models.js';

export function pendingHandlers(ctx: ServiceContext): Handlers<'runs.attention' | 'runs.exportStudent' | 'models.smokeTest'> {
  return {
    'runs.attention': (raw) => {
      getRun(ctx, idField(requestObject(raw, 'runs.attention'), 'id'));
      throw conflict('not available yet: runs.attention needs the WID attention-analysis artifact, which the engine does not write yet');
    },
    'runs.exportStudent': (raw) => {
      getRun(ctx, idField(requestObject(raw, 'runs.exportStudent'), 'id'));
      throw conflict('not available yet: runs.exportStudent needs the engine checkpoint writer and a run that produced a student');
    },
    'models.smokeTest': (raw) => {
      getModel(ctx, idField(requestObject(raw, 'models.smokeTest'), 'id'));
      throw conflict('not available yet: models.smokeTest needs the engine checkpoint loader and tokenizer');
    },
  };
}
