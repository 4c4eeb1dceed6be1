// The files a run config names, read once per request: the service hands one ConfigFiles to every job parse
// of a runs.create / groups.create / runs.plan (and to its memory check), so a compare group reads the
// teacher's config.json and scans the corpus folder once, not once per member and check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertConfigFromHf, type BertConfig } from '../bert/index.js';
import { albertConfigFromHf } from '../albert/config.js';
import { mobileBertConfigFromHf } from '../mobilebert/config.js';
import { modelFamilyOf } from '../checkpoint/load-any-model.js';
import { MAX_CONFIG_BYTES, readJson } from '../checkpoint/folder-files.js';
import type { FamilyConfig, ModelFamily } from '../model-family/index.js';
import { corpusTextFiles } from '../train/corpus.js';
import { ConfigError } from './config-error.js';

export interface AnyModelConfig { family: ModelFamily; config: FamilyConfig }

export class ConfigFiles {
  private readonly bert = new Map<string, BertConfig | Error>();
  private readonly any = new Map<string, AnyModelConfig | Error>();
  private readonly corpus = new Map<string, string[]>();

  /** The BERT config.json in `dir`; a ConfigError naming `field` when it is missing or unusable. */
  bertConfig(dir: string, field: string): BertConfig {
    let got = this.bert.get(dir);
    if (got === undefined) {
      const path = join(dir, 'config.json');
      if (!existsSync(path)) got = new ConfigError(`${field}: ${dir} has no config.json; expected a Hugging Face BERT folder`);
      else {
        try { got = bertConfigFromHf(JSON.parse(readFileSync(path, 'utf8'))); }
        catch (err) { got = new ConfigError(`${field}: ${path} is not a usable BERT config (${(err as Error).message})`); }
      }
      this.bert.set(dir, got);
    }
    if (got instanceof Error) throw got;
    return got;
  }

  /** The BERT config at `dir`, or null when there is none to read (for estimates that can do without it). */
  bertConfigOrNull(dir: unknown): BertConfig | null {
    if (typeof dir !== 'string') return null;
    try { return this.bertConfig(dir, 'model'); } catch { return null; }
  }

  /** The config.json at `dir` of any family we run (BERT, ALBERT, MobileBERT), or null when it cannot be read. */
  modelConfigOrNull(dir: unknown): AnyModelConfig | null {
    if (typeof dir !== 'string') return null;
    let got = this.any.get(dir);
    if (got === undefined) {
      try {
        const path = join(dir, 'config.json');
        const raw = readJson(path, 'a model config.json', MAX_CONFIG_BYTES) as Record<string, unknown>;
        const family = modelFamilyOf(raw, path);
        const config = family === 'bert' ? bertConfigFromHf(raw) : family === 'albert' ? albertConfigFromHf(raw) : mobileBertConfigFromHf(raw);
        got = { family, config };
      } catch (err) { got = err as Error; }
      this.any.set(dir, got);
    }
    return got instanceof Error ? null : got;
  }

  /** The corpus's .txt files (a file, or a folder scanned once). */
  corpusFiles(path: string): string[] {
    let files = this.corpus.get(path);
    if (!files) { files = corpusTextFiles(path); this.corpus.set(path, files); }
    return files;
  }
}
