// The error of a run config that cannot run: its message names the field, the value and what was expected.
// Below every job, GLUE reader and method, so any of them can throw it; the service turns it into a 400.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
