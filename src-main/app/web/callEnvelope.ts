// One call through the service, as the plain JSON every transport sends back: { result } or { error: { code, message } }.
// Shared by HTTP (web mode) and IPC (Electron) so both report errors the same way.
import type { ApiErrorBody, ApiMethodName } from '../../shared/api/index.js';
import { ApiError, type Service } from '../service/contract.js';

export type CallEnvelope = { result: unknown } | { error: ApiErrorBody };

const METHOD_NAME = /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/;

/** Any thrown value as an ApiError: ApiErrors keep their code, anything else is internal with its message. */
export function toApiError(method: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', `${method} failed: ${message}`);
}

export async function callService(service: Service, method: string, req: unknown): Promise<CallEnvelope> {
  try {
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
      throw new ApiError('not_found', `unknown API method "${String(method)}"`);
    }
    const request = req ?? {};
    if (typeof request !== 'object' || Array.isArray(request)) {
      throw new ApiError('bad_request', `request for ${method} must be an object, got ${Array.isArray(request) ? 'an array' : typeof request}`);
    }
    const result = await service.call(method as ApiMethodName, request as never);
    return { result: result ?? null };
  } catch (err) {
    return { error: toApiError(method, err).toBody() };
  }
}
