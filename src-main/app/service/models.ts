// models.*: register a Hugging Face BERT folder (config.json + model.safetensors), list, get, remove.
import { basename, resolve } from 'node:path';
import type { ModelRecord } from '../../shared/api/types.js';
import { RegularFileError } from '../../engine/io/regular-file.js';
import { inspectModelFolder, ModelFolderError } from '../store/model-folder.js';
import { fileApiError } from './io-errors.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, idField, notFound, oneOf, optionalString, requestObject, stringField } from './validate.js';

export function getModel(ctx: ServiceContext, id: number): ModelRecord {
  const model = ctx.store.models.get(id);
  if (!model) throw notFound(`model ${id} not found`);
  return model;
}

export function modelsHandlers(ctx: ServiceContext): Handlers<'models.list' | 'models.register' | 'models.get' | 'models.remove'> {
  const { store } = ctx;
  return {
    'models.list': (raw) => {
      const req = requestObject(raw, 'models.list');
      return store.models.list(req.kind === undefined ? undefined : oneOf(req, 'kind', ['teacher', 'student'] as const));
    },

    'models.register': async (raw) => {
      const req = requestObject(raw, 'models.register');
      const path = resolve(stringField(req, 'path'));
      const kind = oneOf(req, 'kind', ['teacher', 'student'] as const, 'teacher');
      const name = optionalString(req, 'name', false)?.trim() || basename(path);
      let info;
      try { info = await inspectModelFolder(path); }
      catch (err) {
        if (err instanceof ModelFolderError) throw badRequest(`path: ${err.message}`);
        if (err instanceof RegularFileError) throw fileApiError(err, 'path');
        throw err;
      }
      const same = store.models.list().filter((m) => m.path === path);
      const model = store.models.insert({ name, kind, path, config: info.config, parameterCount: info.parameterCount, fileSize: info.fileSize, sourceRunId: null });
      return same.length ? { ...model, warnings: [`${path} is registered already as ${same.map((m) => `${m.kind} #${m.id} “${m.name}”`).join(', ')}: the entries name the same files`] } : model;
    },

    'models.get': (raw) => getModel(ctx, idField(requestObject(raw, 'models.get'), 'id')),

    // Forgets the model; its files stay where they are (they may be the user's own download).
    'models.remove': (raw) => {
      const model = getModel(ctx, idField(requestObject(raw, 'models.remove'), 'id'));
      store.transaction(() => { store.models.remove(model.id); });
      return { ok: true as const };
    },
  };
}
