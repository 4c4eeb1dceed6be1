// The two IPC channels between main and preload: one for calls (invoke/handle), one for pushed events.
export const IPC_CALL = 'wid:call';
export const IPC_EVENT = 'wid:event';
/** The name the preload exposes the API under; src-renderer/src/lib/api/client.ts reads window.widApi. */
export const BRIDGE_KEY = 'widApi';
