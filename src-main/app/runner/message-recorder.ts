// Writes what a worker reports into the store and says which API events to emit. Every message is
// one transaction, so a crash between messages leaves the store consistent.
import type { ApiEvent } from '../../shared/api/events.js';
import type { MetricPoint } from '../../shared/api/types.js';
import { resolve } from 'node:path';
import type { FromWorker } from '../../worker/protocol.js';
import type { Store } from '../store/index.js';
import { digestPath } from '../store/file-digest.js';
import { inspectModelFolder } from '../store/model-folder.js';

/**
 * Records one non-terminal message; returns the events to emit. Throws on store errors and on artifact or
 * model files that cannot be read. Async because artifacts are digested and model folders inspected off the
 * event loop; the runner records a run's messages one after another, in order.
 */
export async function recordWorkerMessage(store: Store, runId: number, msg: FromWorker): Promise<ApiEvent[]> {
  switch (msg.type) {
    case 'backend':
      store.runs.setBackend(runId, msg.name, msg.device);
      return [{ type: 'run.log', runId, level: 'info', message: `backend: ${msg.name} (${msg.device})` }];
    case 'progress': {
      const points: MetricPoint[] = Object.entries(msg.progress.values)
        .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
        .map(([name, value]) => ({ step: msg.progress.step, name, value }));
      store.transaction(() => {
        store.metrics.insertMany(runId, points);
        store.runs.setProgress(runId, msg.progress);
      });
      return [{ type: 'run.progress', runId, progress: msg.progress }];
    }
    case 'metric':
      if (Number.isFinite(msg.value)) store.metrics.insertMany(runId, [{ step: msg.step, name: msg.name, value: msg.value }]);
      return [];
    case 'log':
      return [{ type: 'run.log', runId, level: msg.level, message: msg.message }];
    case 'artifact': {
      const path = resolve(msg.path);
      const { size, sha256 } = await digestPath(path);
      store.artifacts.insert({ runId, kind: msg.kind, path, size, sha256 });
      return [{ type: 'run.log', runId, level: 'info', message: `artifact ${msg.kind}: ${path} (${size} bytes)` }];
    }
    case 'evaluation': {
      const modelId = msg.modelPath ? store.models.findByPath(resolve(msg.modelPath))?.id ?? null : null;
      store.evaluations.insert({ runId, modelId, task: msg.task, metric: msg.metric, value: msg.value });
      return [];
    }
    case 'model': {
      const path = resolve(msg.path);
      const info = await inspectModelFolder(path);
      const model = store.models.insert({
        name: msg.name, kind: msg.kind, path, config: info.config,
        parameterCount: info.parameterCount, fileSize: info.fileSize, sourceRunId: runId,
      });
      return [{ type: 'run.log', runId, level: 'info', message: `registered ${msg.kind} model #${model.id} "${msg.name}"` }];
    }
    default:
      return [];
  }
}

