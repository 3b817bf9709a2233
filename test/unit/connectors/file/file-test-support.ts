/** Scaffolding for driving the FileStream tasks directly: minimal task contexts and a capturing logger. */
import type {
  ConnectorProps,
  OffsetStorageReader,
  SinkTaskContext,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTaskContext,
} from '../../../../connect-runtime/api';
import type { FileConnectorLogger, FileStreamSourceTask } from '../../../../connectors/file';

/** Committed source offsets kept in memory, keyed by the partition's JSON. */
export class MemoryOffsets implements OffsetStorageReader {
  private readonly byPartition = new Map<string, SourceOffset>();

  commit(record: SourceRecord): void {
    if (record.sourcePartition && record.sourceOffset) this.byPartition.set(JSON.stringify(record.sourcePartition), record.sourceOffset);
  }

  set(partition: SourcePartition, offset: SourceOffset): void {
    this.byPartition.set(JSON.stringify(partition), offset);
  }

  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    return this.byPartition.get(JSON.stringify(partition)) ?? null;
  }

  async offsets(partitions: Iterable<SourcePartition>): Promise<Map<SourcePartition, SourceOffset | null>> {
    const out = new Map<SourcePartition, SourceOffset | null>();
    for (const p of partitions) out.set(p, await this.offset(p));
    return out;
  }
}

export function sourceContext(props: ConnectorProps, offsets: OffsetStorageReader = new MemoryOffsets()): SourceTaskContext {
  return { configs: () => props, offsetStorageReader: offsets, transactionContext: null };
}

export function sinkContext(props: ConnectorProps): SinkTaskContext {
  return {
    configs: () => props,
    offset: () => undefined,
    timeout: () => undefined,
    assignment: () => [],
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => undefined,
    errantRecordReporter: () => null,
  };
}

export interface LogEntry {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

export function capturingLogger(): FileConnectorLogger & { entries: LogEntry[]; warnings(): string[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    warnings: () => entries.filter((e) => e.level === 'warn').map((e) => e.msg),
  };
}

/** Polls until `count` records arrived in total (failing after `timeoutMs`); each poll is one batch. */
export async function pollBatches(task: FileStreamSourceTask, count: number, timeoutMs = 5000): Promise<SourceRecord[][]> {
  const batches: SourceRecord[][] = [];
  const deadline = Date.now() + timeoutMs;
  let total = 0;
  while (total < count) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const got = batches.flat().map((r) => r.value);
      throw new Error(`expected ${count} records within ${timeoutMs} ms, got ${total}: ${JSON.stringify(got)}`);
    }
    const batch = await task.poll(AbortSignal.timeout(left));
    if (batch && batch.length > 0) {
      batches.push(batch);
      total += batch.length;
    }
  }
  return batches;
}

export async function pollRecords(task: FileStreamSourceTask, count: number, timeoutMs = 5000): Promise<SourceRecord[]> {
  return (await pollBatches(task, count, timeoutMs)).flat();
}

/** One poll that is cut short after `ms`: used to show that nothing (more) is returned. */
export function pollBriefly(task: FileStreamSourceTask, ms = 150): Promise<SourceRecord[] | null> {
  return task.poll(AbortSignal.timeout(ms));
}

export const values = (records: readonly SourceRecord[]): unknown[] => records.map((r) => r.value);
export const positions = (records: readonly SourceRecord[]): unknown[] => records.map((r) => r.sourceOffset?.['position']);
