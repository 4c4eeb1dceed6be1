// Plain-text corpus, one document or sentence per line: a text file, or every .txt file under a folder
// (recursively, in sorted path order — the same files the app's dataset stats count). Streamed from
// disk in fixed-size chunks so any size works. Lines are split on '\n' bytes ourselves (not
// node:readline) because resuming needs the exact byte offset of the next line, which readline does
// not expose (it hides \r\n vs \n).
import { open, type FileHandle } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where reading continues: the next unread line is at `byteOffset` (line `line`) of file `file` in pass `epoch`. */
export interface CorpusPosition {
  epoch: number;
  /** Index into the sorted file list (always 0 for a single file). */
  file: number;
  byteOffset: number;
  line: number;
  /** The next line starts a document: a blank line or the start of a file comes before it (sentence-order pairs). */
  documentStart?: boolean;
}

const CHUNK_BYTES = 1 << 16;
const NEWLINE = 0x0a;
/** A line holds text when something in it is not a control character (NUL, ...) or white space: trim() keeps \0. */
const HAS_TEXT = /[^\p{Cc}\p{Cf}\p{Z}\s]/u;

/** The files of a corpus path: the file itself, or every .txt under the folder, sorted by path. */
export function corpusTextFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.txt')) out.push(p);
    }
  };
  walk(path);
  return out.sort();
}

export class LineCorpus {
  private readonly files: string[];
  private fh: FileHandle | null = null;
  private buf: Buffer = Buffer.alloc(0);
  /** File offset just past the bytes held in `buf`. */
  private readOffset: number;
  private pos: CorpusPosition;
  private readonly decoder = new TextDecoder('utf-8');
  /** Whether the line nextLine() last returned began a document. */
  private lastStarted = false;

  /** Throws naming the path when it is missing, holds no .txt file, or is empty. */
  constructor(readonly path: string, start?: Partial<CorpusPosition>) {
    try {
      this.files = corpusTextFiles(path);
    } catch (err) {
      throw new Error(`corpus ${path}: cannot read (${err instanceof Error ? err.message : String(err)}); expected a UTF-8 text file (one document or sentence per line) or a folder of .txt files`);
    }
    if (!this.files.length) throw new Error(`corpus ${path}: the folder holds no .txt file`);
    const total = this.files.reduce((n, f) => n + statSync(f).size, 0);
    if (total === 0) throw new Error(`corpus ${path}: ${this.files.length > 1 ? 'every file is' : 'file is'} empty; expected text, one document or sentence per line`);
    this.pos = { epoch: start?.epoch ?? 0, file: start?.file ?? 0, byteOffset: start?.byteOffset ?? 0, line: start?.line ?? 0,
      documentStart: start?.documentStart ?? (start?.byteOffset ?? 0) === 0 };
    const file = this.files[this.pos.file];
    if (!file || !(this.pos.byteOffset >= 0 && this.pos.byteOffset <= statSync(file).size)) {
      throw new Error(`corpus ${path}: resume position (file ${this.pos.file}, byte ${this.pos.byteOffset}) is outside the corpus; was it changed since the checkpoint?`);
    }
    this.readOffset = this.pos.byteOffset;
  }

  /** Position of the next line `nextLine()` would return (save this in checkpoints). */
  position(): CorpusPosition {
    return { ...this.pos };
  }

  /** The file the next line is read from (for error messages). */
  currentFile(): string {
    return this.files[this.pos.file]!;
  }

  /** Whether the line the last nextLine() returned began a document (blank lines or a file's start before it). */
  startedDocument(): boolean {
    return this.lastStarted;
  }

  /** Next non-blank line (trimmed; a line of control characters only is blank); moves on to the next file at the end of one, and wraps to the first file (epoch + 1) after the last. */
  async nextLine(): Promise<string> {
    let filesEndedWithoutText = 0; // more than the file count means no file has text
    for (;;) {
      const nl = this.buf.indexOf(NEWLINE);
      let raw: Buffer | null = null;
      if (nl >= 0) {
        raw = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 1);
        this.pos.byteOffset += nl + 1;
      } else if (!(await this.fill())) {
        if (this.buf.length > 0) {
          // last line without a trailing newline
          raw = this.buf;
          this.pos.byteOffset += this.buf.length;
          this.buf = Buffer.alloc(0);
        } else {
          if (++filesEndedWithoutText > this.files.length) {
            throw new Error(`corpus ${this.path}: contains no non-blank lines (a line of NUL bytes or other control characters counts as blank); expected UTF-8 text, one document or sentence per line`);
          }
          await this.nextFile();
          continue;
        }
      }
      if (raw === null) continue;
      this.pos.line++;
      const text = this.decoder.decode(raw).replace(/\r$/, '').trim();
      if (HAS_TEXT.test(text)) {
        this.lastStarted = this.pos.documentStart === true;
        this.pos.documentStart = false;
        return text;
      }
      this.pos.documentStart = true; // a blank line ends the document
    }
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }

  /** Reads the next chunk into `buf`; false at end of file. */
  private async fill(): Promise<boolean> {
    this.fh ??= await open(this.files[this.pos.file], 'r');
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await this.fh.read(chunk, 0, CHUNK_BYTES, this.readOffset);
    if (bytesRead === 0) return false;
    this.readOffset += bytesRead;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    return true;
  }

  private async nextFile(): Promise<void> {
    await this.close();
    const last = this.pos.file + 1 >= this.files.length;
    this.pos = { epoch: this.pos.epoch + (last ? 1 : 0), file: last ? 0 : this.pos.file + 1, byteOffset: 0, line: 0, documentStart: true };
    this.readOffset = 0;
    this.buf = Buffer.alloc(0);
  }
}
