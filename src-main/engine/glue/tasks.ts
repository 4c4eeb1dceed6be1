// The GLUE tasks as their original TSV files lay them out (glue_data/<TASK>/{train,dev}.tsv from the
// GLUE download script), which columns hold the texts and the label, and how each task is scored.

import { GLUE_TASK_NAMES as TASK_NAMES, type GlueTaskName } from '../../shared/api/glue-config.js';

export type { GlueTaskName } from '../../shared/api/glue-config.js';
export type GlueMetricName = 'accuracy' | 'f1' | 'mcc' | 'pearson' | 'spearman';

/** Where a column is: by header name for files with a header, by index for CoLA (which has none). */
type Column = string | number;

export interface GlueTaskSpec {
  name: GlueTaskName;
  /** false for CoLA: its TSVs start with data. */
  hasHeader: boolean;
  /** Column count of a headerless file (CoLA: source, label, original judgement, sentence). */
  columnCount?: number;
  textA: Column;
  textB?: Column;
  label: Column;
  /** Class labels as written in the file, in class-index order; null = regression (STS-B). */
  labels: string[] | null;
  /** Dev splits: MNLI has matched and mismatched; every other task has dev.tsv. */
  devSplits: { name: string; file: string }[];
  /** Metrics GLUE reports for the task; the task score is their mean. */
  metrics: GlueMetricName[];
}

const dev = (name: string) => [{ name, file: 'dev.tsv' }];

export const GLUE_TASKS: Record<GlueTaskName, GlueTaskSpec> = {
  'CoLA': { name: 'CoLA', hasHeader: false, columnCount: 4, textA: 3, label: 1, labels: ['0', '1'], devSplits: dev('CoLA'), metrics: ['mcc'] },
  'SST-2': { name: 'SST-2', hasHeader: true, textA: 'sentence', label: 'label', labels: ['0', '1'], devSplits: dev('SST-2'), metrics: ['accuracy'] },
  'MRPC': { name: 'MRPC', hasHeader: true, textA: '#1 String', textB: '#2 String', label: 'Quality', labels: ['0', '1'], devSplits: dev('MRPC'), metrics: ['f1', 'accuracy'] },
  'STS-B': { name: 'STS-B', hasHeader: true, textA: 'sentence1', textB: 'sentence2', label: 'score', labels: null, devSplits: dev('STS-B'), metrics: ['pearson', 'spearman'] },
  'QQP': { name: 'QQP', hasHeader: true, textA: 'question1', textB: 'question2', label: 'is_duplicate', labels: ['0', '1'], devSplits: dev('QQP'), metrics: ['f1', 'accuracy'] },
  'MNLI': {
    name: 'MNLI', hasHeader: true, textA: 'sentence1', textB: 'sentence2', label: 'gold_label',
    labels: ['contradiction', 'entailment', 'neutral'],
    devSplits: [{ name: 'MNLI-m', file: 'dev_matched.tsv' }, { name: 'MNLI-mm', file: 'dev_mismatched.tsv' }],
    metrics: ['accuracy'],
  },
  'QNLI': { name: 'QNLI', hasHeader: true, textA: 'question', textB: 'sentence', label: 'label', labels: ['entailment', 'not_entailment'], devSplits: dev('QNLI'), metrics: ['accuracy'] },
  'RTE': { name: 'RTE', hasHeader: true, textA: 'sentence1', textB: 'sentence2', label: 'label', labels: ['entailment', 'not_entailment'], devSplits: dev('RTE'), metrics: ['accuracy'] },
  'WNLI': { name: 'WNLI', hasHeader: true, textA: 'sentence1', textB: 'sentence2', label: 'label', labels: ['0', '1'], devSplits: dev('WNLI'), metrics: ['accuracy'] },
};

/** The task names in GLUE order, as the run-config schema declares them. */
export const GLUE_TASK_NAMES: GlueTaskName[] = [...TASK_NAMES];

/** Score columns of a comparison table: one per dev split (MNLI counts twice, as GLUE does). */
export const GLUE_SCORE_COLUMNS: string[] = GLUE_TASK_NAMES.flatMap((t) => GLUE_TASKS[t].devSplits.map((s) => s.name));

/** The task spec for a score column or task name ("MNLI-m" → MNLI); throws naming the accepted names. */
export function glueTask(nameOrSplit: string): GlueTaskSpec {
  const direct = GLUE_TASKS[nameOrSplit as GlueTaskName];
  if (direct) return direct;
  const owner = GLUE_TASK_NAMES.find((t) => GLUE_TASKS[t].devSplits.some((s) => s.name === nameOrSplit));
  if (owner) return GLUE_TASKS[owner];
  throw new Error(`unknown GLUE task "${nameOrSplit}": expected one of ${[...GLUE_TASK_NAMES, 'MNLI-m', 'MNLI-mm'].join(', ')}`);
}
