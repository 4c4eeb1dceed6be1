// Calls the web-mode API of a running test server directly (POST /api/call/<method> with the URL's token),
// for setting up state a browser test is not about, and for checking what the UI did.
import { join } from 'node:path';
import type { ApiMethodName, ApiRequest, ApiResponse } from '../../../src-main/shared/api/index.js';

const root = new URL('../../..', import.meta.url).pathname;
export const FIXTURES = {
  teacher: join(root, 'test/fixtures/bert/tiny-teacher'),
  corpus: join(root, 'test/fixtures/corpus'),
  glue: join(root, 'test/fixtures/glue'),
};

export type Call = <M extends ApiMethodName>(method: M, req: ApiRequest<M>) => Promise<ApiResponse<M>>;

export function apiFor(serverUrl: string): Call {
  const url = new URL(serverUrl);
  const token = url.searchParams.get('token');
  if (!token) throw new Error(`server URL ${serverUrl} has no ?token=`);
  return async (method, req) => {
    const res = await fetch(`${url.origin}/api/call/${method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-wid-token': token }, body: JSON.stringify(req),
    });
    const body = await res.json() as { result?: unknown; error?: { code: string; message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.code}: ${body.error.message}`);
    return body.result as never;
  };
}

/** Polls runs.get until the run leaves queued/running; fails naming the last status after timeoutMs. */
export async function waitForRun(call: Call, id: number, timeoutMs = 40_000): Promise<ApiResponse<'runs.get'>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('runs.get', { id });
    if (r.status !== 'queued' && r.status !== 'running') return r;
    if (Date.now() > until) throw new Error(`run ${id} still ${r.status} after ${timeoutMs} ms (step ${r.progress?.step ?? '?'})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
