// Plain-text corpus, one document or sentence per line, streamed from disk in fixed-size chunks so
// any file size works. Lines are split on '\n' bytes ourselves (not node:readline) because resuming
// needs the exact byte offset of the next line, which readline does not expose (it hides \r\n vs \n).
import { open, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';

/** Where reading continues: `byteOffset`/`line` of the next unread line within pass `epoch` (0-based). */
export interface CorpusPosition {
  epoch: number;
  byteOffset: number;
  line: number;
}

const CHUNK_BYTES = 1 << 16;
const NEWLINE = 0x0a;

export class LineCorpus {
  private fh: FileHandle | null = null;
  private buf: Buffer = Buffer.alloc(0);
  /** File offset just past the bytes held in `buf`. */
  private readOffset: number;
  private pos: CorpusPosition;
  private readonly decoder = new TextDecoder('utf-8');

  /** Throws naming the path when it is missing, not a file, or empty. */
  constructor(readonly path: string, start: CorpusPosition = { epoch: 0, byteOffset: 0, line: 0 }) {
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (err) {
      throw new Error(`corpus ${path}: cannot read (${err instanceof Error ? err.message : String(err)}); expected a UTF-8 text file, one document or sentence per line`);
    }
    if (size === 0) throw new Error(`corpus ${path}: file is empty; expected text, one document or sentence per line`);
    if (!(start.byteOffset >= 0 && start.byteOffset <= size)) {
      throw new Error(`corpus ${path}: resume offset ${start.byteOffset} is outside the file (size ${size} bytes); was the corpus changed since the checkpoint?`);
    }
    this.pos = { ...start };
    this.readOffset = start.byteOffset;
  }

  /** Position of the next line `nextLine()` would return (save this in checkpoints). */
  position(): CorpusPosition {
    return { ...this.pos };
  }

  /** Next non-blank line (trimmed of the line ending); wraps to the start of the file at the end (epoch + 1). */
  async nextLine(): Promise<string> {
    let rewound = false; // reaching the end twice in one call means no line has text
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
          if (rewound) throw new Error(`corpus ${this.path}: contains no non-blank lines`);
          this.rewind();
          rewound = true;
          continue;
        }
      }
      if (raw === null) continue;
      this.pos.line++;
      const text = this.decoder.decode(raw).replace(/\r$/, '').trim();
      if (text) return text;
    }
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }

  /** Reads the next chunk into `buf`; false at end of file. */
  private async fill(): Promise<boolean> {
    this.fh ??= await open(this.path, 'r');
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await this.fh.read(chunk, 0, CHUNK_BYTES, this.readOffset);
    if (bytesRead === 0) return false;
    this.readOffset += bytesRead;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    return true;
  }

  private rewind(): void {
    this.pos = { epoch: this.pos.epoch + 1, byteOffset: 0, line: 0 };
    this.readOffset = 0;
    this.buf = Buffer.alloc(0);
  }
}
