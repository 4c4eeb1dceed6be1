// The safetensors file format: 8-byte little-endian header length N, N bytes of JSON header
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}),
// then the raw little-endian tensor bytes (offsets are relative to the end of the header).
//
// Why our own ~150 lines instead of a package: npm has no maintained safetensors reader/writer for
// Node Buffers (the official `safetensors` project ships Rust/Python only), the format is a fixed
// header + raw bytes, and we need errors that name the tensor and the byte offsets of a truncated file.
import { endianness } from 'node:os';

/** Element types we read. Floats come back as Float32Array, integers as Int32Array. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export interface SafetensorsTensor {
  /** dtype as stored in the file. */
  dtype: SafetensorsDtype;
  shape: number[];
  /** F32/F16/BF16/F64 -> Float32Array; integer and BOOL types -> Int32Array. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

interface HeaderEntry { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] }

function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('safetensors I/O needs a little-endian machine');
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Copies the bytes into an aligned buffer and converts them to f32 / i32. */
function decodeData(name: string, dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array | Int32Array {
  // a fresh copy: its buffer starts at offset 0, so typed views are aligned (Buffer.slice would not copy)
  const aligned = new Uint8Array(bytes).buffer;
  switch (dtype) {
    case 'F32': return new Float32Array(aligned, 0, count);
    case 'F64': return Float32Array.from(new Float64Array(aligned, 0, count));
    case 'F16': {
      const src = new Uint16Array(aligned, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(src[i]);
      return out;
    }
    case 'BF16': {
      const src = new Uint16Array(aligned, 0, count);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = src[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64': {
      const src = new BigInt64Array(aligned, 0, count);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = src[i];
        if (v > 2147483647n || v < -2147483648n) {
          throw new Error(`safetensors tensor "${name}" (I64) holds ${v} at element ${i}, outside the int32 range we convert to`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'I32': return new Int32Array(aligned, 0, count);
    case 'I16': return Int32Array.from(new Int16Array(aligned, 0, count));
    case 'I8': return Int32Array.from(new Int8Array(aligned, 0, count));
    case 'U8': case 'BOOL': return Int32Array.from(new Uint8Array(aligned, 0, count));
  }
}

/** The largest header we accept (the reference reader's limit; BERT-large's header is ~40 KB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsHeaderEntry { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

export interface SafetensorsHeader {
  /** Tensor name -> dtype, shape and byte range relative to the start of the data section. */
  entries: Map<string, SafetensorsHeaderEntry>;
  metadata: Record<string, string>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * The header length in the first 8 bytes of a file of `fileBytes` bytes, checked against the file and
 * SAFETENSORS_MAX_HEADER_BYTES, so a lying length is refused before anything is allocated for it.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileBytes: number, fileLabel: string): number {
  if (fileBytes < 8 || first8.byteLength < 8) {
    throw new Error(`${fileLabel} is truncated: it has ${fileBytes} bytes, fewer than the 8-byte header length`);
  }
  const len = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (len < 2n) throw new Error(`${fileLabel} is not safetensors: its header length is ${len}, expected at least 2 bytes of JSON`);
  if (8n + len > BigInt(fileBytes)) {
    throw new Error(`${fileLabel} is truncated or not safetensors: header claims bytes 8..${8n + len} ` +
      `but the file has only ${fileBytes} bytes`);
  }
  if (len > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new Error(`${fileLabel}: the header claims ${len} bytes; expected at most ${SAFETENSORS_MAX_HEADER_BYTES} (not a safetensors file?)`);
  }
  return Number(len);
}

/**
 * Checks a parsed header completely against the file it came from (`fileBytes` long, its data section
 * starting at byte `dataStart` = 8 + header length): every
 * entry has a known dtype, a shape of non-negative integers and data_offsets [begin, end] inside the data
 * section whose length is dtype size x elements, and no two tensors share bytes (a file whose tensors all
 * point at byte 0 is garbage, not weights). Errors name the file, the tensor and the offsets.
 */
export function validateSafetensorsHeader(header: unknown, dataStart: number, fileBytes: number, fileLabel: string): SafetensorsHeader {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error(`${fileLabel}: the header must be a JSON object`);
  }
  const dataBytes = fileBytes - dataStart;
  const entries = new Map<string, SafetensorsHeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
        throw new Error(`${fileLabel}: "__metadata__" must be an object of strings, got ${JSON.stringify(raw).slice(0, 200)}`);
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as Partial<HeaderEntry> | null;
    if (!e || typeof e !== 'object' || typeof e.dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, e.dtype)
      || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) {
      throw new Error(`${fileLabel}: header entry for tensor "${name}" must have dtype (one of ${Object.keys(DTYPE_BYTES).join(', ')}), ` +
        `shape and data_offsets, got ${JSON.stringify(raw).slice(0, 200)}`);
    }
    if (!e.shape.every(isCount)) {
      throw new Error(`${fileLabel}: tensor "${name}" has shape ${JSON.stringify(e.shape).slice(0, 200)}; expected non-negative integers`);
    }
    if (e.data_offsets.length !== 2 || !e.data_offsets.every(isCount)) {
      throw new Error(`${fileLabel}: tensor "${name}" has data_offsets ${JSON.stringify(e.data_offsets).slice(0, 200)}; expected [begin, end], non-negative integers`);
    }
    const [begin, end] = e.data_offsets as [number, number];
    const expectedBytes = product(e.shape) * DTYPE_BYTES[e.dtype];
    if (end < begin || end - begin !== expectedBytes) {
      throw new Error(`${fileLabel}: tensor "${name}" (${e.dtype} [${e.shape.join(', ')}]) needs ${expectedBytes} bytes ` +
        `but its data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    if (end > dataBytes) {
      throw new Error(`${fileLabel} is truncated: tensor "${name}" needs file bytes ${dataStart + begin}..${dataStart + end} ` +
        `but the file ends at byte ${fileBytes}`);
    }
    entries.set(name, { dtype: e.dtype, shape: [...e.shape], begin, end });
  }
  // No two tensors may share a byte: sort the non-empty ranges and compare neighbours.
  const ranges = [...entries].filter(([, e]) => e.end > e.begin).sort((a, b) => a[1].begin - b[1].begin);
  for (let i = 1; i < ranges.length; i++) {
    const [prevName, prev] = ranges[i - 1];
    const [name, cur] = ranges[i];
    if (cur.begin < prev.end) {
      throw new Error(`${fileLabel}: tensors "${prevName}" [${prev.begin}, ${prev.end}] and "${name}" [${cur.begin}, ${cur.end}] ` +
        'overlap; expected every tensor to have its own bytes (the header lies about where the data is)');
    }
  }
  return { entries, metadata };
}

/**
 * Parses a whole safetensors file held in memory. `fileLabel` (usually the path) goes into every
 * error, with the byte offsets that were expected, so a truncated download is easy to recognise.
 */
export function parseSafetensors(bytes: Uint8Array, fileLabel = 'safetensors file'): SafetensorsFile {
  assertLittleEndianHost();
  const headerLen = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, fileLabel);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLen).toString('utf8'));
  } catch (e) {
    throw new Error(`${fileLabel}: the header (bytes 8..${8 + headerLen}) is not valid JSON: ${(e as Error).message}`);
  }
  const dataStart = 8 + headerLen;
  const { entries, metadata } = validateSafetensorsHeader(header, dataStart, bytes.byteLength, fileLabel);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, e] of entries) {
    const slice = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data: decodeData(name, e.dtype, slice, product(e.shape)) });
  }
  return { tensors, metadata };
}

export interface TensorToWrite {
  shape: number[];
  /** Float32Array is written as F32, Int32Array as I32 unless dtype says I64. */
  data: Float32Array | Int32Array;
  dtype?: 'F32' | 'I32' | 'I64';
}

/** Serialises tensors (sorted by name) into safetensors bytes; the header is space-padded to 8 bytes as the reference writer does. */
export function serializeSafetensors(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = { format: 'pt' }): Buffer {
  assertLittleEndianHost();
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const dtype = t.dtype ?? (t.data instanceof Float32Array ? 'F32' : 'I32');
    if (t.data.length !== product(t.shape)) {
      throw new Error(`tensor "${name}": shape [${t.shape.join(', ')}] needs ${product(t.shape)} values, got ${t.data.length}`);
    }
    if ((dtype === 'F32') !== (t.data instanceof Float32Array)) {
      throw new Error(`tensor "${name}": dtype ${dtype} does not match its ${t.data.constructor.name} data`);
    }
    let raw: Uint8Array;
    if (dtype === 'I64') raw = new Uint8Array(BigInt64Array.from(t.data as Int32Array, (v) => BigInt(v)).buffer);
    else raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + raw.byteLength] };
    chunks.push(raw);
    offset += raw.byteLength;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  return Buffer.concat([len, headerBytes, ...chunks]);
}
