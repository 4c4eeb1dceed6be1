// Serves the built renderer (dist/renderer) without a token: it holds no data, only the UI.
// Paths are resolved inside the root (no traversal, no symlink leading out of it); unknown paths fall back to
// index.html (hash-routed SPA).
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function isFile(path: string): boolean {
  try { return statSync(path).isFile(); } catch { return false; }
}

/** The file a URL path names inside root, or null when it escapes root or does not exist. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath); } catch { return null; }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const full = resolve(join(base, decoded));
  if (full !== base && !full.startsWith(base + sep)) return null;
  if (!isFile(full)) return null;
  // A link inside the root may point anywhere: serve only what really lies inside the (real) root.
  let real: string, realBase: string;
  try { real = realpathSync(full); realBase = realpathSync(base); } catch { return null; }
  return real.startsWith(realBase + sep) ? real : null;
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, urlPath: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed');
    return;
  }
  const index = resolveStaticPath(root, '/index.html');
  const file = resolveStaticPath(root, urlPath) ?? index;
  if (!file) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      .end(`The renderer is not built (${join(resolve(root), 'index.html')} missing): run "npm run build".`);
    return;
  }
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    // the first URL carries ?token=: never send it on as a Referer, never show the UI inside another site's frame
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    // index.html names hashed assets, so it must not be cached; the assets themselves may be.
    'cache-control': file === index ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  // A file removed between stat and read must not take the server down.
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
