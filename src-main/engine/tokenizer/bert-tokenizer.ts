// BERT WordPiece tokenizer with the behaviour of transformers' (slow) BertTokenizer.
// Text -> WordPiece tokens is done by @huggingface/tokenizers (the maintained JS port of HF tokenizers:
// BertNormalizer = clean text, CJK spacing, lower-casing, NFD accent stripping; BertPreTokenizer =
// whitespace + punctuation split; WordPiece = greedy longest-match-first with "##", [UNK] for words
// over 100 chars). It is fed a tokenizer.json built from vocab.txt, so no hub download is needed.
// NFC normalisation, pair assembly, truncation and padding follow BertTokenizer's Python code and live here
// (transformers v5's default, tokenizers-backed BertTokenizer differs in both: see docs/engine.md).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { readVocabFile, SPECIAL_TOKENS } from './vocab.js';

export interface BertTokenizerOptions {
  /** do_lower_case (uncased models). */
  lowercase: boolean;
  /** strip_accents; undefined/null follows `lowercase`, as in transformers. */
  stripAccents?: boolean | null;
  /** tokenize_chinese_chars (default true). */
  tokenizeChineseChars?: boolean;
}

export type Truncation = 'longest_first' | 'only_first' | false;
export type Padding = 'max_length' | 'longest' | false;

export interface EncodeOptions {
  /** Length limit including [CLS]/[SEP]. */
  maxLength?: number;
  /** Default 'longest_first' when maxLength is set (as transformers does), else false. */
  truncation?: Truncation;
  /** 'max_length' pads to maxLength; 'longest' pads a batch to its longest row. Default false. */
  padding?: Padding;
  /** Default true: [CLS] a [SEP] (b [SEP]). */
  addSpecialTokens?: boolean;
}

export interface BertEncoding {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  tokens: string[];
}

/** A padded batch as flat row-major int arrays of shape [batchSize, seqLength], ready for tf.tensor2d(..., 'int32'). */
export interface BertBatch {
  batchSize: number;
  seqLength: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  rows: BertEncoding[];
}

export type TextOrPair = string | [string, string];

export class BertTokenizer {
  readonly vocab: readonly string[];
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  private readonly ids: Map<string, number>;
  private readonly wordpiece: Tokenizer;

  constructor(vocab: readonly string[], opts: BertTokenizerOptions) {
    this.vocab = vocab;
    this.lowercase = opts.lowercase;
    this.stripAccents = opts.stripAccents ?? opts.lowercase;
    // later duplicates win, like the dict in HF's load_vocab
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    const id = (t: string) => {
      const v = this.ids.get(t);
      if (v === undefined) throw new Error(`vocabulary lacks the special token ${t} that BERT needs`);
      return v;
    };
    this.padId = id('[PAD]');
    this.unkId = id('[UNK]');
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.maskId = id('[MASK]');
    const tokenizerJson = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_TOKENS.map((t) => ({
        id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
      })),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: opts.tokenizeChineseChars ?? true,
        strip_accents: this.stripAccents,
        lowercase: this.lowercase,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100,
        vocab: Object.fromEntries(this.ids),
      },
    };
    this.wordpiece = new Tokenizer(tokenizerJson, {});
  }

  static fromVocabFile(path: string, opts: BertTokenizerOptions): BertTokenizer {
    return new BertTokenizer(readVocabFile(path), opts);
  }

  /**
   * Reads `vocab.txt` and the casing options of `tokenizer_config.json` (do_lower_case, default true like HF);
   * a directory with only a WordPiece `tokenizer.json` (as transformers v5 may save) is read from that.
   */
  static fromModelDir(dir: string): BertTokenizer {
    const found = BertTokenizer.readModelDir(dir);
    if (!found) throw new Error(`model directory ${dir} has no vocab.txt (nor a WordPiece tokenizer.json)`);
    return found.tokenizer;
  }

  /** As fromModelDir, with the file the vocabulary came from; null where the directory has neither (e.g. a SentencePiece model's). */
  static readModelDir(dir: string): { tokenizer: BertTokenizer; file: string } | null {
    const readJson = (path: string): Record<string, any> => {
      try {
        return JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
      }
    };
    const vocabPath = join(dir, 'vocab.txt');
    const cfgPath = join(dir, 'tokenizer_config.json');
    const fastPath = join(dir, 'tokenizer.json');
    const cfg = existsSync(cfgPath) ? readJson(cfgPath) : {};
    const fast = existsSync(fastPath) ? readJson(fastPath) : undefined;
    const normalizer = fast?.normalizer?.type === 'BertNormalizer' ? fast.normalizer : undefined;
    const bool = (...vs: unknown[]) => vs.find((v) => typeof v === 'boolean') as boolean | undefined;
    const opts: BertTokenizerOptions = {
      lowercase: bool(cfg.do_lower_case, normalizer?.lowercase) ?? true,
      stripAccents: bool(cfg.strip_accents, normalizer?.strip_accents) ?? null,
      tokenizeChineseChars: bool(cfg.tokenize_chinese_chars, normalizer?.handle_chinese_chars) ?? true,
    };
    if (existsSync(vocabPath)) return { tokenizer: BertTokenizer.fromVocabFile(vocabPath, opts), file: vocabPath };
    if (fast?.model?.type === 'WordPiece' && fast.model.vocab && typeof fast.model.vocab === 'object') {
      const vocab: string[] = [];
      for (const [t, id] of Object.entries(fast.model.vocab as Record<string, number>)) vocab[id] = t;
      if (vocab.some((t) => t === undefined) || vocab.length !== Object.keys(fast.model.vocab).length) {
        throw new Error(`${fastPath}: WordPiece vocab ids are not 0..n-1 without gaps`);
      }
      return { tokenizer: new BertTokenizer(vocab, opts), file: fastPath };
    }
    return null;
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** WordPiece tokens of one text, no special tokens added. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new Error(`tokenize expects a string, got ${typeof text}`);
    // transformers' Python BasicTokenizer NFC-normalises first (so "e\u0301" and "é" are one word); the
    // Rust BertNormalizer does not, and keeps "e" + "##\u0301" in cased vocabularies
    return this.wordpiece.tokenize(text.normalize('NFC'));
  }

  tokenToId(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  idToToken(id: number): string {
    const t = this.vocab[id];
    if (t === undefined) throw new Error(`token id ${id} is outside the vocabulary (size ${this.vocab.length})`);
    return t;
  }

  encode(text: string, pair?: string, opts: EncodeOptions = {}): BertEncoding {
    let a = this.tokenize(text);
    let b = pair === undefined ? undefined : this.tokenize(pair);
    const special = opts.addSpecialTokens ?? true;
    const truncation = opts.truncation ?? (opts.maxLength !== undefined ? 'longest_first' : false);
    if (truncation && opts.maxLength !== undefined) [a, b] = this.truncate(a, b, opts.maxLength, truncation, special);
    const tokens = special ? ['[CLS]', ...a, '[SEP]', ...(b ? [...b, '[SEP]'] : [])] : [...a, ...(b ?? [])];
    const firstLen = special ? a.length + 2 : a.length;
    const enc: BertEncoding = {
      tokens,
      inputIds: tokens.map((t) => this.tokenToId(t)),
      attentionMask: tokens.map(() => 1),
      tokenTypeIds: tokens.map((_, i) => (i < firstLen ? 0 : 1)),
    };
    if (opts.padding === 'max_length') {
      if (opts.maxLength === undefined) throw new Error("padding 'max_length' needs maxLength");
      this.pad(enc, opts.maxLength);
    }
    return enc;
  }

  /** Encodes texts or [text, pair] rows into one padded batch ('longest' padding unless 'max_length' is asked for). */
  encodeBatch(items: TextOrPair[], opts: EncodeOptions = {}): BertBatch {
    if (!items.length) throw new Error('encodeBatch needs at least one text');
    const rows = items.map((it) => (Array.isArray(it) ? this.encode(it[0], it[1], opts) : this.encode(it, undefined, opts)));
    const seqLength = opts.padding === 'max_length' && opts.maxLength !== undefined
      ? opts.maxLength
      : Math.max(...rows.map((r) => r.inputIds.length));
    for (const r of rows) this.pad(r, seqLength);
    const flat = (key: 'inputIds' | 'attentionMask' | 'tokenTypeIds') => Int32Array.from(rows.flatMap((r) => r[key]));
    return {
      batchSize: rows.length, seqLength, rows,
      inputIds: flat('inputIds'), attentionMask: flat('attentionMask'), tokenTypeIds: flat('tokenTypeIds'),
    };
  }

  /** BertTokenizer.decode: tokens joined by spaces, "##" glued, then clean_up_tokenization. */
  decode(ids: ArrayLike<number>, opts: { skipSpecialTokens?: boolean } = {}): string {
    const specials = new Set([this.padId, this.unkId, this.clsId, this.sepId, this.maskId]);
    const tokens: string[] = [];
    for (const id of Array.from(ids)) {
      if (opts.skipSpecialTokens && specials.has(id)) continue;
      tokens.push(this.idToToken(id));
    }
    return tokens.join(' ').replaceAll(' ##', '').trim()
      .replaceAll(' .', '.').replaceAll(' ?', '?').replaceAll(' !', '!').replaceAll(' ,', ',')
      .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" 's", "'s")
      .replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
  }

  private truncate(a: string[], b: string[] | undefined, maxLength: number, how: Exclude<Truncation, false>,
    special: boolean): [string[], string[] | undefined] {
    const extra = special ? (b ? 3 : 2) : 0;
    let remove = a.length + (b?.length ?? 0) + extra - maxLength;
    if (remove <= 0) return [a, b];
    if (how === 'only_first' || !b) {
      if (a.length <= remove) {
        throw new Error(`cannot truncate the first text to maxLength ${maxLength}: it has ${a.length} tokens` +
          (b ? ` and the pair ${b.length}` : '') + ` (+${extra} special)`);
      }
      return [a.slice(0, a.length - remove), b];
    }
    // transformers' slow tokenizers: drop one token at a time from the longer text, the pair on a tie
    a = [...a]; b = [...b];
    while (remove-- > 0) {
      if (a.length > b.length) a.pop();
      else b.pop();
    }
    return [a, b];
  }

  private pad(enc: BertEncoding, length: number): void {
    while (enc.inputIds.length < length) {
      enc.inputIds.push(this.padId);
      enc.attentionMask.push(0);
      enc.tokenTypeIds.push(0);
      enc.tokens.push('[PAD]');
    }
  }
}
