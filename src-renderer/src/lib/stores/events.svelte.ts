// One subscription to the API event stream, fanned out to views; views subscribe for as long as they are mounted.
import type { ApiEvent } from '../../../../src-main/shared/api/index.js';
import { api } from '../api/client.js';

const listeners = new Set<(e: ApiEvent) => void>();
let unsubscribe: (() => void) | null = null;

export function onApiEvent(listener: (e: ApiEvent) => void): () => void {
  listeners.add(listener);
  if (!unsubscribe) unsubscribe = api.subscribe((e) => { for (const l of listeners) l(e); });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && unsubscribe) { unsubscribe(); unsubscribe = null; }
  };
}
