// One subscription to the API event stream for the app's lifetime, fanned out to views; views register
// for as long as they are mounted. Keeping the stream open across view changes means no gap in events.
import type { ApiEvent } from '../../../../src-main/shared/api/index.js';
import { api } from '../api/client.js';

const listeners = new Set<(e: ApiEvent) => void>();
let subscribed = false;

export function onApiEvent(listener: (e: ApiEvent) => void): () => void {
  listeners.add(listener);
  if (!subscribed) {
    subscribed = true;
    api.subscribe((e) => { for (const l of listeners) l(e); });
  }
  return () => { listeners.delete(listener); };
}
