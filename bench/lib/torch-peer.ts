// The PyTorch peers of gpu-compare, run as child processes of the benchmark (same process tree, same
// GPU): transformers (bench/pytorch/hf_bert_step.py) and the hand-written script (bench/pytorch/bert_step.py).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

export const PEERS = ['hf', 'handwritten'] as const;
export type PeerName = (typeof PEERS)[number];

const SCRIPTS: Record<PeerName, string> = { hf: 'hf_bert_step.py', handwritten: 'bert_step.py' };

export interface PeerOptions {
  sizes: string[]; batch: number; seq: number; steps: number; warmup: number;
  device?: string; python: string; modes: string[]; dropout: number; timeoutS?: number;
}

export interface PeerRow {
  peer: PeerName; size: string; mode: string; msPerStep: number | null; peakMb: number | null;
  /** why there is no figure (skipped / failed), or what the figure is (attention, optimizer) */
  note?: string; raw: Record<string, unknown>;
}

/** The script in the project's bench/pytorch: from the working directory (the GPU machine runs from the root), else next to this file. */
export function peerScript(peer: PeerName): string | null {
  const name = SCRIPTS[peer];
  const candidates = [join(process.cwd(), 'bench', 'pytorch', name), new URL(`../pytorch/${name}`, import.meta.url).pathname];
  return candidates.find((p) => existsSync(p)) ?? null;
}

type Raw = Record<string, unknown> & { size: string; mode?: string; ms_per_step?: number; peak_mem_mb?: number | null; skipped?: string; error?: string };

export function peerRows(peer: PeerName, raw: Raw[]): PeerRow[] {
  return raw.map((r) => {
    const ms = typeof r.ms_per_step === 'number' ? r.ms_per_step : null;
    const note = r.skipped ? `skipped: ${r.skipped}` : r.error ? `failed: ${r.error}`
      : peer === 'hf' ? `${r.attn_implementation ?? '?'} attention, ${r.optimizer ?? '?'} AdamW, ${r.device}` : `eager, ${r.device}`;
    return { peer, size: r.size, mode: r.mode ?? 'fp32', msPerStep: ms, peakMb: typeof r.peak_mem_mb === 'number' ? r.peak_mem_mb : null, note, raw: r };
  });
}

/** Runs one peer script for all sizes; its rows, or why it could not run (missing python/torch, exit code, timeout). */
export function runPeer(peer: PeerName, o: PeerOptions): { rows?: PeerRow[]; error?: string } {
  const script = peerScript(peer);
  if (!script) return { error: `bench/pytorch/${SCRIPTS[peer]} not found (run from the project root)` };
  const dir = mkdtempSync(join(os.tmpdir(), 'wid-peer-'));
  const json = join(dir, 'out.json');
  const args = [script, '--sizes', o.sizes.join(','), '--batch', String(o.batch), '--seq', String(o.seq),
    '--steps', String(o.steps), '--warmup', String(o.warmup), '--json', json, ...(o.device ? ['--device', o.device] : []),
    ...(peer === 'hf' ? ['--modes', o.modes.join(','), '--dropout', String(o.dropout)] : [])];
  const t0 = performance.now();
  try {
    const r = spawnSync(o.python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: (o.timeoutS ?? 600) * 1000, killSignal: 'SIGKILL' });
    const wallS = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.error) return { error: `${o.python} ${SCRIPTS[peer]}: ${(r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `killed after the ${o.timeoutS ?? 600} s timeout` : r.error.message} (after ${wallS} s)` };
    const tail = (r.stderr || '').trim().split('\n').slice(-3).join(' | ');
    if (r.status !== 0) return { error: `${o.python} ${SCRIPTS[peer]} exited ${r.status ?? r.signal}: ${tail}` };
    if (!existsSync(json)) return { error: `${SCRIPTS[peer]} exited 0 without writing its JSON: ${tail}` };
    return { rows: peerRows(peer, JSON.parse(readFileSync(json, 'utf8')) as Raw[]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
