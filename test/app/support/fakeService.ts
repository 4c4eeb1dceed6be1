// A small in-memory Service for transport tests: answers a few methods, throws ApiErrors like the real one,
// and lets the test push events.
import type { ApiEvent, ApiMethodName } from '../../../src-main/shared/api/index.js';
import { ApiError, type AppMode, type Service } from '../../../src-main/app/service/contract.js';

export interface FakeService extends Service {
  emit(event: ApiEvent): void;
  calls: { method: string; req: unknown }[];
  closed: boolean;
}

export function createFakeService(mode: AppMode = 'web'): FakeService {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: { method: string; req: unknown }[] = [];
  const fake: FakeService = {
    mode,
    dataDir: '/nonexistent/fake-home',
    calls,
    closed: false,
    async call(method: ApiMethodName, req: unknown) {
      calls.push({ method, req });
      switch (method) {
        case 'system.info':
          return { version: '0.0.0-test', dataDir: fake.dataDir, mode, backends: [], database: { ok: true, problems: [], backup: null, backupTime: null, message: null } } as never;
        case 'runs.get': {
          const id = (req as { id?: unknown }).id;
          if (typeof id !== 'number') throw new ApiError('bad_request', `runs.get: "id" must be a number, got ${JSON.stringify(id)}`);
          throw new ApiError('not_found', `run ${id} not found`);
        }
        case 'runs.metrics':
          // A result JSON cannot encode, to check the transport answers 500 instead of crashing.
          return [{ step: 1, name: 'big', value: 10n }] as never;
        default:
          throw new ApiError('not_found', `unknown API method "${method}"`);
      }
    },
    subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    async close() { fake.closed = true; },
    emit(event) { for (const l of listeners) l(event); },
  };
  return fake;
}
