// Picks the transport once: Electron's preload bridge (window.widApi) when present, the web client otherwise.
import type { ApiClient, ApiEvent, ApiMethodName, ApiRequest, ApiResponse } from '../../../../src-main/shared/api/index.js';
import { ApiError } from './apiError.js';
import { createWebClient } from './webClient.js';
import { readToken, servedOverHttp } from './token.js';

declare global {
  interface Window {
    widApi?: {
      call(method: string, req: unknown): Promise<unknown>;
      subscribe(cb: (event: ApiEvent) => void): () => void;
    };
  }
}

function electronClient(bridge: NonNullable<Window['widApi']>): ApiClient {
  return {
    async call<M extends ApiMethodName>(method: M, req: ApiRequest<M>) {
      try {
        return (await bridge.call(method, req)) as ApiResponse<M>;
      } catch (err) {
        // IPC errors arrive as Error with the message from the service; keep it readable.
        const e = err as { code?: ApiError['code']; message?: string };
        throw new ApiError(e.code ?? 'internal', String(e.message ?? err).replace(/^Error invoking remote method '[^']+': (Error: )?/, ''), method);
      }
    },
    subscribe: (cb) => bridge.subscribe(cb),
  };
}

function missingTokenClient(): ApiClient {
  const fail = (method: string) => Promise.reject(new ApiError('unauthorized',
    'No access token: open the URL printed by the server (it ends with ?token=...).', method));
  return { call: (m) => fail(m), subscribe: () => () => {} };
}

function pick(): ApiClient {
  if (window.widApi) return electronClient(window.widApi);
  const token = readToken();
  // Without ?token= a page served by the server still has the token cookie (from an earlier load).
  return token || servedOverHttp() ? createWebClient(token) : missingTokenClient();
}

export const api: ApiClient = pick();
export { ApiError };
