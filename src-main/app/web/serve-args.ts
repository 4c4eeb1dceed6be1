// Command-line argument parsing shared by serve.ts and `wid serve`.
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number 0..65535 (0 = any free port)');
  return Number(value);
}
