// Web-mode transport: POST /api/call/<method> for calls, WebSocket /api/events for pushed events,
// reconnecting with exponential backoff so a server restart is survived. Both carry the token cookie the
// server set when the page was opened; calls also send the token in a header while this page knows it.
import type { ApiClient, ApiEvent, ApiMethodName, ApiRequest, ApiResponse } from '../../../../src-main/shared/api/index.js';
import { ApiError } from './apiError.js';
import { connection } from '../stores/connection.svelte.js';

export function createWebClient(token: string | null, origin = location.origin): ApiClient {
  const listeners = new Set<(e: ApiEvent) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 250;

  function connect(): void {
    const wsUrl = `${origin.replace(/^http/, 'ws')}/api/events`;
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => { retryMs = 250; connection.ok(); };
    ws.onmessage = (msg) => {
      let event: ApiEvent;
      try { event = JSON.parse(String(msg.data)) as ApiEvent; } catch { return; }
      for (const l of listeners) l(event);
    };
    ws.onclose = () => {
      // A socket closed on purpose (last listener left) may close after a new one opened: don't clobber that one.
      if (socket !== ws) return;
      socket = null;
      if (listeners.size === 0) return;
      // the server closed the stream: stopped, or restarting. Reconnecting clears this.
      connection.lost('the event stream closed');
      setTimeout(() => { if (!socket && listeners.size) connect(); }, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  return {
    async call<M extends ApiMethodName>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
      let res: Response;
      try {
        res = await fetch(`${origin}/api/call/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { 'x-wid-token': token } : {}) },
          body: JSON.stringify(req ?? {}),
        });
      } catch (err) {
        connection.lost((err as Error).message);
        throw new ApiError('network', `Cannot reach the workbench server (${(err as Error).message})`, method);
      }
      let body: { result?: unknown; error?: { code: ApiError['code']; message: string } };
      try { body = await res.json(); } catch {
        throw new ApiError('internal', `Server answered ${res.status} without JSON for ${method}`, method);
      }
      if (res.status === 401) connection.unauthorized(body.error?.message ?? 'HTTP 401');
      else connection.ok();
      if (!res.ok || body.error) {
        throw new ApiError(body.error?.code ?? 'internal', body.error?.message ?? `HTTP ${res.status}`, method);
      }
      return body.result as ApiResponse<M>;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && socket) { socket.close(); socket = null; }
      };
    },
  };
}
