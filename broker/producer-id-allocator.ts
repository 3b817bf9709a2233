/**
 * Hands out producer ids for idempotent producers. Ids must never repeat across restarts (the log
 * rebuilds sequence state per id), so the next free block is persisted before ids from it are used.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const BLOCK_SIZE = 1000;

export class ProducerIdAllocator {
  private next = 0;
  private blockEnd = 0;
  private pending: Promise<void> | null = null;

  private constructor(private readonly file: string) {}

  static async open(logDir: string): Promise<ProducerIdAllocator> {
    const allocator = new ProducerIdAllocator(path.join(logDir, 'producer-id-block'));
    let start = 0;
    try {
      start = Number((await fs.readFile(allocator.file, 'utf8')).trim()) || 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    allocator.next = start;
    allocator.blockEnd = start;
    return allocator;
  }

  async allocate(): Promise<number> {
    while (this.next >= this.blockEnd) {
      if (!this.pending) this.pending = this.reserveBlock().finally(() => (this.pending = null));
      await this.pending;
    }
    return this.next++;
  }

  private async reserveBlock(): Promise<void> {
    const end = this.blockEnd + BLOCK_SIZE;
    const tmp = `${this.file}.tmp`;
    await fs.writeFile(tmp, String(end));
    await fs.rename(tmp, this.file);
    this.blockEnd = end;
  }
}
