// Renaming and removing what the pickers list: models (rename; models.remove forgets), datasets and compare groups.
// Only the store rows change; files on disk are never touched (they may be the user's own).
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, idField, notFound, requestObject, stringField } from './validate.js';

const MAX_NAME = 200;
function nameField(req: Record<string, unknown>): string {
  const name = stringField(req, 'name').trim();
  if (!name) throw badRequest('name: expected a non-empty name');
  if (name.length > MAX_NAME) throw badRequest(`name: at most ${MAX_NAME} characters, got ${name.length}`);
  return name;
}

export function catalogEditHandlers(ctx: ServiceContext): Handlers<'models.update' | 'datasets.update' | 'datasets.remove' | 'groups.update' | 'groups.remove'> {
  const { store } = ctx;
  return {
    'models.update': (raw) => {
      const req = requestObject(raw, 'models.update');
      const id = idField(req, 'id');
      const name = nameField(req);
      const m = store.models.rename(id, name);
      if (!m) throw notFound(`model ${id} not found`);
      return m;
    },
    'datasets.update': (raw) => {
      const req = requestObject(raw, 'datasets.update');
      const id = idField(req, 'id');
      const name = nameField(req);
      const d = store.datasets.rename(id, name);
      if (!d) throw notFound(`dataset ${id} not found`);
      return d;
    },
    'datasets.remove': (raw) => {
      const id = idField(requestObject(raw, 'datasets.remove'), 'id');
      if (!store.transaction(() => store.datasets.remove(id))) throw notFound(`dataset ${id} not found`);
      return { ok: true as const };
    },
    'groups.update': (raw) => {
      const req = requestObject(raw, 'groups.update');
      const id = idField(req, 'id');
      const name = nameField(req);
      const g = store.groups.rename(id, name);
      if (!g) throw notFound(`group ${id} not found`);
      return g;
    },
    'groups.remove': (raw) => {
      const id = idField(requestObject(raw, 'groups.remove'), 'id');
      if (!store.transaction(() => store.groups.remove(id))) throw notFound(`group ${id} not found`);
      return { ok: true as const };
    },
  };
}
