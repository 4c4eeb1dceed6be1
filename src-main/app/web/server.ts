// Web mode: the service over HTTP (POST /api/call/<method>) and WebSocket (/api/events), bound to 127.0.0.1,
// with a random per-start token required on every /api request, and Host/Origin checks (requestGuards.ts).
// The built renderer is served without a token; opening it with ?token= sets the token cookie.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Service } from '../service/contract.js';
import { newAccessToken, tokenMatches } from './accessToken.js';
import { handleApiCall, sendError, sendJson } from './httpApi.js';
import { serveStatic } from './staticFiles.js';
import { cookieValue, hostAllowed, originAllowed, tokenCookie, tokenCookieName } from './requestGuards.js';

export const LOOPBACK_HOST = '127.0.0.1';

export interface WebServerOptions {
  service: Service;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only 127.0.0.1 is accepted: the API must not be reachable from other machines. */
  host?: string;
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string;
}

export interface RunningWebServer {
  /** http://127.0.0.1:PORT/?token=TOKEN — what the user opens. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Token from the x-wid-token header, the token cookie, or the ?token= query parameter. */
function tokenOf(req: IncomingMessage, url: URL, port: number): string | null {
  const header = req.headers['x-wid-token'];
  if (typeof header === 'string' && header) return header;
  return cookieValue(req, tokenCookieName(port)) ?? url.searchParams.get('token');
}

const FORBIDDEN_HOST = 'this server only answers requests addressed to 127.0.0.1:<port> or localhost:<port> (Host header)';
const FORBIDDEN_ORIGIN = 'requests from another site (Origin header) are refused; open the URL the server printed';

function parseUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
}

export async function startWebServer(opts: WebServerOptions): Promise<RunningWebServer> {
  const host = opts.host ?? LOOPBACK_HOST;
  if (host !== LOOPBACK_HOST) {
    throw new Error(`web server host must be ${LOOPBACK_HOST} (loopback only), got "${host}"`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`web server port must be an integer 0..65535, got ${String(opts.port)}`);
  }
  const { service, staticDir } = opts;
  const token = newAccessToken();

  let actualPort = port;
  const server = createServer((req, res) => {
    const url = parseUrl(req);
    if (!hostAllowed(req, actualPort)) {
      sendJson(res, 403, { error: { code: 'unauthorized', message: `${FORBIDDEN_HOST}, not ${JSON.stringify(req.headers.host ?? '')}` } });
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (!originAllowed(req, actualPort)) {
        sendJson(res, 403, { error: { code: 'unauthorized', message: `${FORBIDDEN_ORIGIN} (${String(req.headers.origin)})` } });
        return;
      }
      if (!tokenMatches(token, tokenOf(req, url, actualPort))) {
        sendError(res, { code: 'unauthorized', message: 'missing or wrong access token: open the URL the server printed (it ends with ?token=...)' });
        return;
      }
      const prefix = '/api/call/';
      if (url.pathname.startsWith(prefix)) {
        let method: string;
        try { method = decodeURIComponent(url.pathname.slice(prefix.length)); } catch {
          sendError(res, { code: 'not_found', message: `no API method at ${url.pathname} (malformed escape)` });
          return;
        }
        handleApiCall(service, req, res, method).catch((err: unknown) => {
          // e.g. a result JSON.stringify cannot write: answer 500 rather than crash the process.
          if (!res.headersSent) sendError(res, { code: 'internal', message: `${method}: could not send the result (${(err as Error)?.message ?? String(err)})` });
          else res.destroy();
        });
        return;
      }
      sendError(res, { code: 'not_found', message: `no API endpoint at ${url.pathname} (calls go to POST /api/call/<method>)` });
      return;
    }
    // The page opened with the printed ?token= URL gets the token as a cookie the page's scripts cannot read;
    // the renderer then drops ?token= from the address bar.
    if (tokenMatches(token, url.searchParams.get('token'))) res.setHeader('set-cookie', tokenCookie(actualPort, token));
    serveStatic(staticDir, req, res, url.pathname);
  });

  // One service subscription fans events out to every connected socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  const unsubscribe = service.subscribe((event) => {
    const text = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = parseUrl(req);
    if (url.pathname !== '/api/events') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    if (!hostAllowed(req, actualPort) || !originAllowed(req, actualPort)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    if (!tokenMatches(token, tokenOf(req, url, actualPort))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  const connections = new Set<Socket>();
  server.on('connection', (s: Socket) => { connections.add(s); s.on('close', () => connections.delete(s)); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  actualPort = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = () => closing ??= new Promise<void>((resolve) => {
    unsubscribe();
    for (const ws of sockets) ws.terminate();
    sockets.clear();
    wss.close();
    server.close(() => resolve());
    for (const s of connections) s.destroy();
  });

  return { url: `http://${host}:${actualPort}/?token=${token}`, token, port: actualPort, close };
}
