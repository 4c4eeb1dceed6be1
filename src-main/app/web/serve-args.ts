// Command-line argument parsing shared by serve.ts and `wid serve`.
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number 0..65535 (0 = any free port)');
  return Number(value);
}

/** --parallel N: how many runs execute at once. */
export function parseParallel(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer (runs executed at once)');
  return Number(value);
}
