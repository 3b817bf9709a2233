/**
 * Record-batch compression codecs (attributes bits 0-2): gzip from Node's zlib, snappy and lz4 from
 * napi-rs packages with prebuilt binaries, zstd from a WebAssembly build (Node 20's zlib has none).
 * The non-gzip codecs are loaded on first use with `loadCompression`, so a tool that never meets a
 * compressed batch never loads a native module, and a platform without a binary fails only when
 * that codec is needed, with a message that names it. After loading, compress/decompress are
 * synchronous: batches are at most a few MB and a sync call keeps the record reader a plain
 * generator.
 *
 * The codecs live in the protocol layer so that the log cleaner (broker/log) can rewrite compressed
 * batches; broker/client re-exports them for the clients and tools.
 */
import zlib from 'node:zlib';
import { Compression } from './record-batch';

type SnappyModule = typeof import('snappy');
type Lz4Module = typeof import('lz4-napi');
type ZstdModule = typeof import('@bokuweb/zstd-wasm');

interface Codec {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** The codec number for a Kafka `compression.type` / `--compression-codec` name. */
export function compressionCodecOf(name: string): number {
  const i = (NAMES as readonly string[]).indexOf(name.trim().toLowerCase());
  if (i < 0) throw new Error(`unknown compression codec "${name}" (expected one of ${NAMES.join(', ')})`);
  return i;
}

export function compressionName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`;
}

const loaded = new Map<number, Codec>([
  [Compression.none, { compress: (d) => d, decompress: (d) => d }],
  // Level 6 is zlib's and Java's GZIPOutputStream default; gunzip accepts concatenated members.
  [Compression.gzip, { compress: (d) => zlib.gzipSync(d), decompress: (d) => zlib.gunzipSync(d) }],
]);
const loading = new Map<number, Promise<void>>();

/** Packages export through module.exports; dynamic import() wraps them in a namespace with `default`. */
function unwrap<T>(mod: T): T {
  return ((mod as { default?: T }).default ?? mod) as T;
}

async function loadOne(codec: number): Promise<void> {
  if (loaded.has(codec)) return;
  let pending = loading.get(codec);
  if (!pending) {
    pending = (async () => {
      try {
        loaded.set(codec, await createCodec(codec));
      } catch (err) {
        loading.delete(codec);
        throw new Error(`cannot load the ${compressionName(codec)} codec: ${(err as Error).message}`);
      }
    })();
    loading.set(codec, pending);
  }
  await pending;
}

async function createCodec(codec: number): Promise<Codec> {
  switch (codec) {
    case Compression.snappy: {
      const snappy = unwrap<SnappyModule>(await import('snappy'));
      return { compress: (d) => xerialCompress(snappy, d), decompress: (d) => snappyDecompress(snappy, d) };
    }
    case Compression.lz4: {
      const lz4 = unwrap<Lz4Module>(await import('lz4-napi'));
      // Kafka uses the LZ4 *frame* format (independent blocks), which lz4_flex's frame codec speaks.
      return { compress: (d) => lz4.compressFrameSync(d), decompress: (d) => lz4.decompressFrameSync(d) };
    }
    case Compression.zstd: {
      const zstd = unwrap<ZstdModule>(await import('@bokuweb/zstd-wasm'));
      await zstd.init();
      return { compress: (d) => toBuffer(zstd.compress(d, 3)), decompress: (d) => zstdDecompress(zstd, d) };
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

/** Loads the codecs (numbers or names); `'all'` loads every one. Safe to call repeatedly. */
export async function loadCompression(codecs: number | string | Array<number | string> | 'all'): Promise<void> {
  const list = codecs === 'all' ? [1, 2, 3, 4] : Array.isArray(codecs) ? codecs : [codecs];
  await Promise.all(list.map((c) => loadOne(typeof c === 'string' ? compressionCodecOf(c) : c)));
}

function codecFor(codec: number): Codec {
  const c = loaded.get(codec);
  if (c) return c;
  if (codec > Compression.zstd || codec < 0) throw new Error(`unknown compression codec ${codec}`);
  throw new Error(`the ${compressionName(codec)} codec is not loaded; call loadCompression('${compressionName(codec)}') first`);
}

export function isCompressionLoaded(codec: number): boolean {
  return loaded.has(codec);
}

export function compress(codec: number, data: Buffer): Buffer {
  return codecFor(codec).compress(data);
}

export function decompress(codec: number, data: Buffer): Buffer {
  return codecFor(codec).decompress(data);
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

// ---- snappy: the Java client frames raw snappy blocks the way xerial's SnappyOutputStream does ----

/** `\x82SNAPPY\0`, then int32 version 1 and int32 minimum compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** xerial's default block size; each block is compressed on its own. */
const XERIAL_BLOCK = 32 * 1024;

function xerialCompress(snappy: SnappyModule, data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = snappy.compressSync(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** Accepts both xerial-framed snappy (Java, kafkajs) and raw snappy (librdkafka). */
function snappyDecompress(snappy: SnappyModule, data: Buffer): Buffer {
  const raw = (d: Buffer): Buffer => snappy.uncompressSync(d, { asBuffer: true }) as Buffer;
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return raw(data);
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error('truncated xerial snappy block length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error(`xerial snappy block of ${len} bytes overruns the data`);
    parts.push(raw(data.subarray(pos, pos + len)));
    pos += len;
  }
  return Buffer.concat(parts);
}

// ---- zstd: frames written by streaming encoders (the Java client's) carry no content size ----

const ZSTD_MAX_OUTPUT = 256 * 1024 * 1024;

function zstdDecompress(zstd: ZstdModule, data: Buffer): Buffer {
  // Without a content size in the frame header the wasm decoder needs a capacity guess: start at
  // 8x the input (at least 1 MB) and double until it fits.
  let capacity = Math.max(1024 * 1024, data.length * 8);
  for (;;) {
    try {
      return toBuffer(zstd.decompress(data, { defaultHeapSize: capacity }));
    } catch (err) {
      if (capacity >= ZSTD_MAX_OUTPUT) throw new Error(`zstd decompression failed: ${(err as Error).message}`);
      capacity *= 2;
    }
  }
}
