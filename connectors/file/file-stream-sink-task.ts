/**
 * FileStreamSinkTask: appends one line per record value to a file.
 *
 * put() writes its whole batch with one write; flush() fsyncs what was written, so the offsets the runtime commits
 * after it never run ahead of what is on disk. The file is opened for appending and created when missing.
 */
import path from 'node:path';
import { type FileHandle, access, open } from 'node:fs/promises';
import {
  AbstractConfig,
  ConnectError,
  type ConnectorProps,
  type OffsetAndMetadata,
  type SinkRecord,
  SinkTask,
  type TopicPartitionMap,
} from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { FILE_CONFIG, SINK_CONFIG_DEF, requiredString } from './file-configs';
import { valueToString } from './value-string';

export class FileStreamSinkTask extends SinkTask {
  private file = '';
  private handle: FileHandle | null = null;
  /** True when bytes were written since the last fsync. */
  private unsynced = false;
  /** Serialises writes, syncs and close on the handle. */
  private io: Promise<unknown> = Promise.resolve();

  version(): string {
    return SLUICE_VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = new AbstractConfig(SINK_CONFIG_DEF, props);
    this.file = requiredString(config, FILE_CONFIG);
    const existed = await access(this.file).then(
      () => true,
      () => false,
    );
    try {
      this.handle = await open(this.file, 'a');
    } catch (err) {
      throw new ConnectError(`Couldn't find or create file '${this.file}' for FileStreamSinkTask: ${(err as Error).message}`, { cause: err });
    }
    // A new file's directory entry is made durable once, so that fsyncs of its data are not in vain after a crash.
    if (!existed) await syncDirectory(path.dirname(path.resolve(this.file)));
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const chunks = encodeLines(records);
    await this.serially(async (handle) => {
      for (const chunk of chunks) await writeAll(handle, chunk, this.file);
      this.unsynced = true;
    });
  }

  override async flush(_currentOffsets: TopicPartitionMap<OffsetAndMetadata>): Promise<void> {
    await this.serially(async (handle) => {
      if (!this.unsynced) return;
      try {
        await handle.datasync();
      } catch (err) {
        throw new ConnectError(`Could not sync ${this.file} to disk: ${(err as Error).message}`, { cause: err });
      }
      this.unsynced = false;
    });
  }

  async stop(): Promise<void> {
    const closing = this.io.catch(() => undefined).then(async () => {
      const handle = this.handle;
      this.handle = null;
      await handle?.close();
    });
    this.io = closing;
    await closing;
  }

  private serially(action: (handle: FileHandle) => Promise<void>): Promise<void> {
    const run = this.io.catch(() => undefined).then(() => {
      if (this.handle === null) throw new ConnectError(`FileStreamSinkTask for ${this.file || 'an unknown file'} is not started or already stopped`);
      return action(this.handle);
    });
    this.io = run;
    return run;
  }
}

/** Chunks are allocated at about this size (or one line's worst case, if larger). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The lines of a batch as UTF-8, each value followed by `\n`, encoded straight into as few buffers as fit in about
 * CHUNK_BYTES each (usually one). A UTF-16 code unit never takes more than 3 bytes in UTF-8, so a line of n code
 * units needs at most 3n + 1 bytes.
 */
function encodeLines(records: SinkRecord[]): Buffer[] {
  const chunks: Buffer[] = [];
  let buf: Buffer | null = null;
  let used = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as SinkRecord;
    const text = valueToString(record.value, record.valueSchema);
    const worst = text.length * 3 + 1;
    if (buf === null || buf.length - used < worst) {
      if (buf !== null) chunks.push(buf.subarray(0, used));
      // Sized for the rest of the batch if its lines are like this one, within CHUNK_BYTES.
      buf = Buffer.allocUnsafe(Math.max(worst, Math.min(CHUNK_BYTES, worst * (records.length - i))));
      used = 0;
    }
    used += buf.write(text, used, 'utf8');
    buf[used++] = 0x0a;
  }
  if (buf !== null && used > 0) chunks.push(buf.subarray(0, used));
  return chunks;
}

async function writeAll(handle: FileHandle, data: Buffer, file: string): Promise<void> {
  let offset = 0;
  try {
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
      offset += bytesWritten;
    }
  } catch (err) {
    throw new ConnectError(`Could not write to ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** fsyncs a directory where the platform allows it (not on Windows, where directory handles cannot be synced). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the file itself is still synced on every flush.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
