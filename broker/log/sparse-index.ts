/**
 * Common machinery of the offset and time indexes: fixed-size entries kept in memory (a Buffer) for
 * binary search, appended to the file in batches with writeSync. Entries are written lazily (at
 * flush, roll, close, or when enough are pending) because an index is derived data: recovery
 * re-scans the tail of the log and rebuilds whatever entries are missing, and the sanity check at
 * open catches torn or zero-filled files.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';
import { writeFully } from './log-files';

const fdatasync = promisify(fs.fdatasync);
/** Write pending entries once this many accumulate, so memory and loss on crash stay bounded. */
const MAX_PENDING_ENTRIES = 512;

export abstract class SparseIndex {
  protected entries: Buffer;
  protected count: number;
  /** Entries already written to the file. */
  private persisted: number;
  private fd: number | null = null;
  private unsynced = false;

  protected constructor(
    readonly file: string,
    readonly entrySize: number,
    initial: Buffer,
  ) {
    this.count = Math.floor(initial.length / entrySize);
    this.persisted = this.count;
    // Exact size for loaded indexes (most belong to sealed segments that never grow); appends double it.
    this.entries = Buffer.allocUnsafe(Math.max(16, this.count) * entrySize);
    initial.copy(this.entries, 0, 0, this.count * entrySize);
  }

  /** The file's bytes, or null when it does not exist. */
  static readFile(file: string): Buffer | null {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  get entryCount(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  /** Byte offset in `entries` for a new entry, growing the buffer when needed. */
  protected slotForAppend(): number {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.entries.length) {
      const grown = Buffer.allocUnsafe(this.entries.length * 2);
      this.entries.copy(grown, 0, 0, at);
      this.entries = grown;
    }
    return at;
  }

  protected appended(): void {
    this.count++;
    if (this.count - this.persisted >= MAX_PENDING_ENTRIES) this.writePending();
  }

  /** Writes entries appended since the last call (page cache only). */
  writePending(): void {
    if (this.persisted >= this.count) return;
    const fd = this.openFd();
    const from = this.persisted * this.entrySize;
    writeFully(fd, this.entries.subarray(from, this.count * this.entrySize), from);
    this.persisted = this.count;
    this.unsynced = true;
  }

  /** fdatasync of what writePending wrote; a no-op when nothing changed since the last sync. */
  async sync(): Promise<void> {
    this.writePending();
    if (!this.unsynced || this.fd === null) return;
    this.unsynced = false;
    await fdatasync(this.fd);
  }

  /** Keeps the first `n` entries, in memory and in the file. */
  truncateEntries(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.persisted > n) {
      this.persisted = n;
      fs.ftruncateSync(this.openFd(), n * this.entrySize);
      this.unsynced = true;
    }
  }

  /** Drops every entry and empties the file (before a rebuild; also discards a torn partial entry). */
  clear(): void {
    this.count = 0;
    this.persisted = 0;
    fs.ftruncateSync(this.openFd(), 0);
    this.unsynced = true;
  }

  /** True when the entries equal `other` (an index rebuilt from the log). */
  contentEquals(other: Buffer): boolean {
    return this.entries.subarray(0, this.count * this.entrySize).equals(other);
  }

  snapshot(): Buffer {
    return Buffer.from(this.entries.subarray(0, this.count * this.entrySize));
  }

  /** Releases the file descriptor; later writes reopen it. */
  closeFd(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  deleteFile(): void {
    this.closeFd();
    fs.rmSync(this.file, { force: true });
  }

  private openFd(): number {
    if (this.fd === null) this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    return this.fd;
  }
}
