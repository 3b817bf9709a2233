'use strict';
/** Payloads: a file of N lines of exactly S bytes each (plus '\n'), and one S-byte value for Redis. */
const fs = require('node:fs');

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A deterministic printable S-byte string (no spaces, no newlines, no shell metacharacters). */
function value(size) {
  let s = '';
  let x = 2463534242;
  while (s.length < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += ALPHABET[(x >>> 0) % ALPHABET.length];
  }
  return s;
}

/** Writes N lines; each is a 10-digit sequence number followed by filler, S bytes in all. */
function writeLinesFile(file, n, size) {
  if (size < 12) throw new Error('record size must be at least 12 bytes');
  const line = Buffer.from(`${value(size)}\n`, 'latin1');
  const perChunk = Math.max(1, Math.floor((4 << 20) / line.length));
  const chunk = Buffer.alloc(perChunk * line.length);
  const fd = fs.openSync(file, 'w');
  try {
    for (let done = 0; done < n; ) {
      const k = Math.min(perChunk, n - done);
      for (let j = 0; j < k; j++) {
        const off = j * line.length;
        line.copy(chunk, off);
        chunk.write(String(done + j).padStart(10, '0'), off, 'latin1');
        chunk[off + 10] = 0x2d; // '-'
      }
      fs.writeSync(fd, chunk, 0, k * line.length);
      done += k;
    }
  } finally {
    fs.closeSync(fd);
  }
  const st = fs.statSync(file);
  if (st.size !== n * (size + 1)) throw new Error(`payload file has ${st.size} bytes, expected ${n * (size + 1)}`);
}

module.exports = { value, writeLinesFile };
