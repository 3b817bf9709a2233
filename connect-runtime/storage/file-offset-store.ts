/**
 * The standalone worker's offset store (`offset.storage.file.filename`): every key and value in one
 * JSON file, rewritten on each flush through a temp file, fsync and rename, so that a crash leaves
 * either the previous or the new file, never a torn one. Writes are serialised.
 */
import fs from 'node:fs';
import path from 'node:path';
import { offsetKey, parseOffsetKey, type OffsetStore, type SourceOffset, type SourcePartition } from './offset-store';

interface OffsetFile {
  version: 1;
  /** [key JSON, value JSON] pairs. */
  offsets: [string, string][];
}

export class FileOffsetStore implements OffsetStore {
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly entries: Map<string, string>,
  ) {}

  static async open(file: string): Promise<FileOffsetStore> {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    return new FileOffsetStore(file, await readOffsetFile(file));
  }

  async get(connector: string, partitions: readonly SourcePartition[]): Promise<Map<string, SourceOffset>> {
    const out = new Map<string, SourceOffset>();
    for (const partition of partitions) {
      const key = offsetKey(connector, partition);
      const value = this.entries.get(key);
      if (value !== undefined) out.set(key, JSON.parse(value) as SourceOffset);
    }
    return out;
  }

  async list(connector: string): Promise<{ partition: SourcePartition; offset: SourceOffset }[]> {
    const out: { partition: SourcePartition; offset: SourceOffset }[] = [];
    for (const [key, value] of this.entries) {
      const parsed = parseOffsetKey(key);
      if (parsed?.connector === connector) out.push({ partition: parsed.partition, offset: JSON.parse(value) as SourceOffset });
    }
    return out;
  }

  set(connector: string, offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[]): Promise<void> {
    for (const { partition, offset } of offsets) {
      const key = offsetKey(connector, partition);
      if (offset === null) this.entries.delete(key);
      else this.entries.set(key, JSON.stringify(offset));
    }
    const snapshot: OffsetFile = { version: 1, offsets: [...this.entries] };
    const write = this.writeChain.then(() => writeAtomically(this.file, JSON.stringify(snapshot)));
    this.writeChain = write.catch(() => undefined);
    return write;
  }

  close(): Promise<void> {
    return this.writeChain;
  }
}

async function readOffsetFile(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  let parsed: OffsetFile;
  try {
    parsed = JSON.parse(text) as OffsetFile;
  } catch (err) {
    throw new Error(`offset file ${file} is not valid JSON (${(err as Error).message}); move it away to start without stored offsets`);
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.offsets)) throw new Error(`offset file ${file} has an unknown layout`);
  return new Map(parsed.offsets);
}

/** Temp file, fsync, rename, fsync of the directory. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, file);
  const dir = await fs.promises.open(path.dirname(path.resolve(file)), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
