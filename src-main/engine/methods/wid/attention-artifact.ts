// The attention-pattern comparison stored with a run (<workDir>/attention.json; docs/wid.md §7):
// per layer/head distance between teacher and student attention, and the maps for a few sentences.
// The service's `runs.attention` reads it through attentionMapsFromArtifact().
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeError } from '../../checkpoint/write-error.js';
import type { AttentionMaps } from '../../../shared/api/methods.js';

export const ATTENTION_ARTIFACT_FILE = 'attention.json';

export interface AttentionSentence {
  text: string;
  /** WordPiece tokens including [CLS]/[SEP] (rows and columns of every map). */
  tokens: string[];
  /** [studentLayer][studentHead][query][key] — the teacher map of the (layer, head) the student one is compared with. */
  teacher: number[][][][];
  /** [studentLayer][studentHead][query][key]. */
  student: number[][][][];
}

export interface AttentionArtifact {
  version: 1;
  teacher: { layers: number; heads: number };
  student: { layers: number; heads: number };
  /** Student layer l is compared with teacher layer layerMap[l]. */
  layerMap: number[];
  /** Student head h of layer l is compared with teacher head headMap[l][h] (WID: the head it was inherited from). */
  headMap: number[][];
  /** Jensen–Shannon divergence (nats, 0..ln 2) of attention rows, averaged over real query tokens and sentences. */
  distance: { metric: 'jensen-shannon'; perHead: number[][]; perLayer: number[]; mean: number };
  sentences: AttentionSentence[];
}

/** Atomic: a reader never sees half a file. */
export function writeAttentionArtifact(path: string, artifact: AttentionArtifact): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(artifact));
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(err, 'attention artifact', path, 'the exported student is not affected');
  }
}

export function readAttentionArtifact(path: string): AttentionArtifact {
  const a = JSON.parse(readFileSync(path, 'utf8')) as AttentionArtifact;
  if (a?.version !== 1 || !Array.isArray(a.sentences)) throw new Error(`${path} is not a version-1 WID attention artifact`);
  return a;
}

/** One (layer, head) of one sentence (the one whose text matches, else the first), as `runs.attention` returns it. */
export function attentionMapsFromArtifact(a: AttentionArtifact, req: { layer: number; head: number; text?: string }): AttentionMaps {
  const { layer, head } = req;
  if (!Number.isInteger(layer) || layer < 0 || layer >= a.student.layers) {
    throw new Error(`layer must be an integer in [0, ${a.student.layers - 1}], got ${JSON.stringify(layer)}`);
  }
  if (!Number.isInteger(head) || head < 0 || head >= a.student.heads) {
    throw new Error(`head must be an integer in [0, ${a.student.heads - 1}], got ${JSON.stringify(head)}`);
  }
  const s = (req.text !== undefined ? a.sentences.find((x) => x.text === req.text) : undefined) ?? a.sentences[0];
  if (!s) throw new Error('the attention artifact holds no sentences');
  return {
    tokens: s.tokens,
    layers: { teacher: a.layerMap[layer], student: layer },
    heads: { teacher: a.headMap[layer][head], student: head },
    teacher: s.teacher[layer][head],
    student: s.student[layer][head],
  };
}
