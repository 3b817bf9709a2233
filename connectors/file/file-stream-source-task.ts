/**
 * FileStreamSourceTask: tails a file and returns one record per complete line.
 *
 * - Lines end with `\n`; a `\r` before it is dropped. A last line without its `\n` stays buffered until it arrives.
 * - The source partition is `{"filename": <file as configured>}` and the offset `{"position": <byte offset just after
 *   the line>}`, so a restarted task resumes right after the last committed line.
 * - The file is read in chunks from the position reached; chokidar's change notifications wake a waiting poll().
 * - A missing file is waited for. A file that shrank below the position read (truncated, or rewritten in place) is
 *   read again from the start. A file replaced at its path (rotated: renamed or deleted, then created again) is read
 *   to its end through the open descriptor, then the new file is read from its start; an incomplete last line of the
 *   old file is dropped with a warning.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import {
  AbstractConfig,
  ConnectError,
  type ConnectorProps,
  Schema,
  type SourcePartition,
  SourceRecord,
  SourceTask,
} from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { FILE_CONFIG, FILENAME_FIELD, POSITION_FIELD, SOURCE_CONFIG_DEF, TASK_BATCH_SIZE_CONFIG, TOPIC_CONFIG, requiredString } from './file-configs';
import { ChangeSignal, FileWatch } from './file-watch';
import { LineBuffer } from './line-buffer';
import { defaultLogger, type FileConnectorLogger } from './logger';

// Large reads: each read is a round trip through the thread pool, which costs more than the bytes on a busy box.
const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;
const DEFAULT_IDLE_WAIT_MS = 1000;

export interface FileStreamSourceTaskOptions {
  /** Bytes asked for per read (default 1 MiB). */
  readChunkBytes?: number;
  /** How long poll() waits for a change when there is nothing to return (default 1 s, as Kafka's task). */
  idleWaitMs?: number;
  logger?: FileConnectorLogger;
}

/** The file being read: its handle, its identity, and how far it was read and returned. */
interface OpenFile {
  readonly handle: FileHandle;
  readonly dev: number;
  readonly ino: number;
  /** Byte offset just after the last line returned. */
  emitted: number;
  /** Byte offset of the next read (`emitted` plus the bytes buffered). */
  readPos: number;
}

export class FileStreamSourceTask extends SourceTask {
  readonly logger: FileConnectorLogger;
  private readonly readChunkBytes: number;
  private readonly idleWaitMs: number;
  private readonly lines: LineBuffer;
  private readonly change = new ChangeSignal();
  private file = '';
  private topic = '';
  private batchSize = 0;
  private partition: SourcePartition = {};
  /** Where reading starts when the file is next opened: the committed position at first, then 0. */
  private startPosition = 0;
  private current: OpenFile | null = null;
  private watch: FileWatch | null = null;
  private stopped = false;
  private inFlight: Promise<unknown> | null = null;
  private missingReported = false;

  constructor(options: FileStreamSourceTaskOptions = {}) {
    super();
    this.readChunkBytes = Math.max(1, options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES);
    this.idleWaitMs = options.idleWaitMs ?? DEFAULT_IDLE_WAIT_MS;
    this.logger = options.logger ?? defaultLogger('FileStreamSourceTask');
    this.lines = new LineBuffer(this.readChunkBytes);
  }

  version(): string {
    return SLUICE_VERSION;
  }

  async start(props: ConnectorProps, signal?: AbortSignal): Promise<void> {
    const config = new AbstractConfig(SOURCE_CONFIG_DEF, props);
    this.file = requiredString(config, FILE_CONFIG);
    this.topic = requiredString(config, TOPIC_CONFIG);
    this.batchSize = config.getInt(TASK_BATCH_SIZE_CONFIG) as number;
    this.partition = Object.freeze({ [FILENAME_FIELD]: this.file });
    this.stopped = false;
    this.startPosition = await this.committedPosition();
    const watch = await FileWatch.start({
      file: this.file,
      onChange: () => this.change.notify(),
      onError: (err) => this.logger.warn({ err, file: this.file }, 'watching the file failed; changes are seen when poll() times out'),
      signal,
    });
    if (this.stopped) await watch.close();
    else this.watch = watch;
  }

  /**
   * Up to batch.size records. Waits up to the idle wait for a change when there is nothing new, then returns null;
   * returns at once when `signal` aborts or the task stops.
   */
  async poll(signal?: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    const run = this.readRecords(signal);
    this.inFlight = run;
    try {
      return await run;
    } catch (err) {
      if (this.stopped) return null;
      throw err;
    } finally {
      this.inFlight = null;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.change.notify();
    const watch = this.watch;
    this.watch = null;
    await watch?.close();
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    await this.closeCurrent();
  }

  private async readRecords(signal?: AbortSignal): Promise<SourceRecord[] | null> {
    const records: SourceRecord[] = [];
    let waited = false;
    while (!this.stopped && !signal?.aborted) {
      // A change notified from here on cuts the wait below short: it may concern bytes the read below misses.
      this.change.reset();
      const file = this.current ?? (await this.openCurrent());
      if (file !== null) {
        this.takeLines(file, records);
        if (records.length >= this.batchSize) break;
        if ((await this.readChunk(file)) > 0) continue;
        if (await this.followFile(file)) continue;
      }
      if (records.length > 0 || waited) break;
      await this.change.wait(this.idleWaitMs, signal);
      waited = true;
    }
    return records.length > 0 ? records : null;
  }

  private takeLines(file: OpenFile, records: SourceRecord[]): void {
    // One clock reading per batch of lines taken together.
    const timestamp = Date.now();
    let emitted = file.emitted;
    while (records.length < this.batchSize) {
      const line = this.lines.nextLine();
      if (line === null) break;
      emitted += line.bytes;
      records.push(
        new SourceRecord({
          sourcePartition: this.partition,
          sourceOffset: { [POSITION_FIELD]: emitted },
          topic: this.topic,
          kafkaPartition: null,
          valueSchema: Schema.STRING_SCHEMA,
          value: line.text,
          timestamp,
        }),
      );
    }
    file.emitted = emitted;
  }

  private async readChunk(file: OpenFile): Promise<number> {
    const target = this.lines.writable(this.readChunkBytes);
    const { bytesRead } = await file.handle.read(target, 0, this.readChunkBytes, file.readPos);
    this.lines.commit(bytesRead);
    file.readPos += bytesRead;
    return bytesRead;
  }

  /**
   * At the end of the open file: handles rotation and truncation. Returns true when there is something to read at
   * once (the new file, the start of the truncated one, or bytes appended to the old one meanwhile).
   */
  private async followFile(file: OpenFile): Promise<boolean> {
    const atPath = await statIfExists(this.file);
    if (atPath !== null && (atPath.ino !== file.ino || atPath.dev !== file.dev)) {
      if ((await this.readChunk(file)) > 0) return true;
      this.logger.info({ file: this.file, position: file.emitted }, 'the file was replaced (rotated); reading the new file from its start');
      if (this.lines.pendingBytes > 0) {
        this.logger.warn({ file: this.file, bytes: this.lines.pendingBytes }, 'dropping the incomplete last line of the rotated file');
      }
      await this.closeCurrent();
      this.startPosition = 0;
      return true;
    }
    const { size } = await file.handle.stat();
    if (size < file.readPos) {
      this.logger.warn({ file: this.file, position: file.readPos, size }, 'the file was truncated; reading it again from the start');
      this.lines.clear();
      file.emitted = 0;
      file.readPos = 0;
      return true;
    }
    return false;
  }

  private async openCurrent(): Promise<OpenFile | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r');
    } catch (err) {
      if (isMissing(err)) {
        if (!this.missingReported) this.logger.warn({ file: this.file }, 'the file does not exist; waiting for it to appear');
        this.missingReported = true;
        return null;
      }
      throw new ConnectError(`Cannot open ${this.file} for reading: ${(err as Error).message}`, { cause: err });
    }
    this.missingReported = false;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new ConnectError(`Cannot read ${this.file}: it is not a regular file`);
      let position = this.startPosition;
      if (position > st.size) {
        this.logger.warn({ file: this.file, position, size: st.size }, 'the file is shorter than the committed position (truncated?); reading it from the start');
        position = 0;
      }
      this.lines.clear();
      this.startPosition = 0;
      this.current = { handle, dev: st.dev, ino: st.ino, emitted: position, readPos: position };
      return this.current;
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = null;
    this.lines.clear();
    await current?.handle.close();
  }

  private async committedPosition(): Promise<number> {
    const reader = this.context?.offsetStorageReader;
    if (reader === undefined) return 0;
    const offset = await reader.offset(this.partition);
    const position = offset?.[POSITION_FIELD];
    if (position === undefined || position === null) return 0;
    if (typeof position === 'number' && Number.isSafeInteger(position) && position >= 0) return position;
    if (typeof position === 'bigint' && position >= 0n && position <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(position);
    throw new ConnectError(`The committed offset of ${this.file} has an invalid ${POSITION_FIELD} ${String(position)}: expected a non-negative integer`);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function statIfExists(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}
