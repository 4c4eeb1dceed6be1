export { selectBackend, probeBackends } from './select.js';
export type { BackendPreference, SelectedBackend, BackendProbe } from './select.js';
export { explainBackendError } from './explain-error.js';
