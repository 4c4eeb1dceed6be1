// POST /api/call/<method>: JSON body = request, answer 200 { result } or 4xx/5xx { error: { code, message } }.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../../shared/api/index.js';
import { ApiError, type Service } from '../service/contract.js';
import { callService, toApiError } from './callEnvelope.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const STATUS_BY_CODE: Record<ApiErrorBody['code'], number> = {
  bad_request: 400, unauthorized: 401, not_found: 404, conflict: 409, too_large: 413, insufficient_storage: 507, internal: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }).end(text);
}

export function sendError(res: ServerResponse, error: ApiErrorBody): void {
  sendJson(res, STATUS_BY_CODE[error.code] ?? 500, { error });
}

/** Reads the whole body, refusing more than MAX_BODY_BYTES (the connection is then closed, not reused). */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.setHeader('connection', 'close');
        reject(new ApiError('bad_request', `request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request object for a call: an empty body means {}, anything else must be a JSON object. */
export function parseRequestBody(method: string, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try { value = JSON.parse(text); } catch (err) {
    throw new ApiError('bad_request', `request body for ${method} is not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('bad_request', `request body for ${method} must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Handles one authorised /api/call/<method> request; the service decides whether the method exists. */
export async function handleApiCall(service: Service, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, { error: { code: 'bad_request', message: `${method} must be called with POST, not ${req.method}` } });
    return;
  }
  let body: Record<string, unknown>;
  try { body = parseRequestBody(method, await readBody(req, res)); } catch (err) {
    sendError(res, toApiError(method, err).toBody());
    return;
  }
  const envelope = await callService(service, method, body);
  if ('error' in envelope) sendError(res, envelope.error);
  else sendJson(res, 200, envelope);
}
