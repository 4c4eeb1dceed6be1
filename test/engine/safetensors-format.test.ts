import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSafetensors, serializeSafetensors } from '../../src-main/engine/checkpoint/safetensors.js';

/** Builds a file by hand, so the reader is checked against the format, not against our writer. */
function handMade(entries: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>): Buffer {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, e] of Object.entries(entries)) {
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [off, off + e.bytes.byteLength] };
    off += e.bytes.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.byteLength));
  return Buffer.concat([len, json, ...Object.values(entries).map((e) => e.bytes)]);
}

test('F32 tensors survive serialize -> parse with names, shapes, values and metadata', () => {
  const a = Float32Array.from([1.5, -2, 3.25, 0, 1e-8, -7]);
  const bytes = serializeSafetensors({ 'x.weight': { shape: [2, 3], data: a }, 'y': { shape: [1], data: Float32Array.from([4]) } });
  assert.equal((bytes.readUInt32LE(0) + 8) % 8, 0, 'data section starts 8-byte aligned');
  const f = parseSafetensors(bytes, 'mem');
  assert.deepEqual([...f.tensors.keys()].sort(), ['x.weight', 'y']);
  assert.deepEqual(f.tensors.get('x.weight')!.shape, [2, 3]);
  assert.deepEqual([...f.tensors.get('x.weight')!.data], [...a]);
  assert.equal(f.metadata.format, 'pt');
});

test('F16, BF16 and I64 tensors are read as float32 / int32 values', () => {
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0000]); // 1, -2, ~0.33325, 0
  const bf16 = new Uint16Array([0x3f80, 0xc040]); // 1, -3
  const i64 = new BigInt64Array([5n, -1n, 2147483647n]);
  const buf = handMade({
    h: { dtype: 'F16', shape: [4], bytes: new Uint8Array(f16.buffer) },
    b: { dtype: 'BF16', shape: [2], bytes: new Uint8Array(bf16.buffer) },
    i: { dtype: 'I64', shape: [3], bytes: new Uint8Array(i64.buffer) },
  });
  const f = parseSafetensors(buf, 'mem');
  const h = [...f.tensors.get('h')!.data];
  assert.deepEqual([h[0], h[1], h[3]], [1, -2, 0]);
  assert.ok(Math.abs(h[2] - 0.33325) < 1e-4);
  assert.deepEqual([...f.tensors.get('b')!.data], [1, -3]);
  assert.ok(f.tensors.get('i')!.data instanceof Int32Array);
  assert.deepEqual([...f.tensors.get('i')!.data], [5, -1, 2147483647]);
});

test('a truncated file fails naming the file, the tensor and the byte offsets', () => {
  const bytes = serializeSafetensors({ a: { shape: [4], data: new Float32Array(4) }, b: { shape: [8], data: new Float32Array(8) } });
  const cut = bytes.subarray(0, bytes.byteLength - 5);
  assert.throws(() => parseSafetensors(cut, '/models/x/model.safetensors'),
    /\/models\/x\/model\.safetensors is truncated: tensor "b" needs file bytes \d+\.\.\d+ but the file ends at byte \d+/);
});

test('a file cut inside its header fails naming the header bytes', () => {
  const bytes = serializeSafetensors({ a: { shape: [4], data: new Float32Array(4) } });
  assert.throws(() => parseSafetensors(bytes.subarray(0, 20), 'm.safetensors'), /m\.safetensors is truncated or not safetensors: header claims bytes 8\.\.\d+/);
  assert.throws(() => parseSafetensors(bytes.subarray(0, 5), 'm.safetensors'), /fewer than the 8-byte header length/);
});

test('a header whose offsets disagree with the shape fails naming the tensor', () => {
  const buf = handMade({ w: { dtype: 'F32', shape: [3], bytes: new Uint8Array(8) } });
  assert.throws(() => parseSafetensors(buf, 'f'), /tensor "w" \(F32 \[3\]\) needs 12 bytes but its data_offsets \[0, 8\] span 8/);
});
