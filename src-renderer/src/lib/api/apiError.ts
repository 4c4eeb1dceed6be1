// An API failure as the server reported it: its code plus the message naming what was wrong.
import type { ApiErrorBody } from '../../../../src-main/shared/api/index.js';

export class ApiError extends Error {
  constructor(readonly code: ApiErrorBody['code'] | 'network', message: string, readonly method: string) {
    super(message);
    this.name = 'ApiError';
  }
}
