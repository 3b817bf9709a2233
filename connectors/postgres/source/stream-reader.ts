/**
 * Streaming: pgoutput messages from the slot become Debezium change records (c/u/d/t/m), transaction metadata and
 * heartbeats, each with the offset of its position (see StreamPosition), pushed into the record queue in stream
 * order. Reading waits while the queue is full; the replication stream then pauses its socket, and keeps sending
 * status updates so the server does not time out.
 *
 * Between transactions a keepalive tells how far the server has read the WAL: nothing before that position is left
 * to send, so it becomes the offset's lsn_commit and, once a heartbeat carrying it is stored, the slot's flushed LSN.
 */
import type { Client } from 'pg';
import type { SourceRecord } from '../../../connect-runtime/api';
import { logicalMessageRecord, type RowChange, type TableSchema, transactionRecord } from '../events';
import {
  type DataEvent,
  type InsertMessage,
  type Lsn,
  type LogicalMessage,
  type DeleteMessage,
  RelationCache,
  type RelationMessage,
  ReplicationError,
  ReplicationErrorCode,
  type ReplicationConnection,
  type ReplicationEvent,
  type ReplicationStream,
  type TruncateMessage,
  type UpdateMessage,
} from '../replication';
import { ChangeRecordBuilder, type OpenTransaction, toRow } from './change-builder';
import { readTableFacts, type TypeRegistry } from './catalog-reader';
import type { SkippableOperation } from './config-keys';
import { type EventContext, nowNs, sourceRecord } from './event-context';
import type { Heartbeats } from './heartbeats';
import type { IncrementalSnapshot } from './incremental-snapshot';
import type { SourceLogger } from './logger';
import type { RecordQueue } from './record-queue';
import type { ResumeFilter } from './resume-filter';
import type { MessageType } from './source-offset';
import type { StreamPosition } from './stream-position';
import type { TableFilter } from './table-filters';
import type { TableSchemas } from './table-schemas';

export interface StreamReaderOptions {
  connection: ReplicationConnection;
  /** The metadata connection: catalog reads on Relation messages. */
  sql: Pick<Client, 'query'>;
  slotName: string;
  publicationName: string;
  context: EventContext;
  schemas: TableSchemas;
  types: TypeRegistry;
  queue: RecordQueue;
  logger: SourceLogger;
  tableFilter: TableFilter;
  messageFilter: ((prefix: string) => boolean) | undefined;
  skippedOperations: ReadonlySet<SkippableOperation>;
  heartbeats: Heartbeats;
  transactionMetadata: { enabled: boolean; topicSuffix: string };
  binaryHandlingMode: Parameters<typeof logicalMessageRecord>[1]['binaryHandlingMode'];
  position: StreamPosition;
  resume: ResumeFilter;
  /** Ad hoc incremental snapshots through the signal table, when signal.data.collection is set. */
  incremental?: IncrementalSnapshot;
  startLsn: Lsn;
  /** Already confirmed (stored) LSN to report until commit() confirms more. */
  initialFlushedLsn: Lsn;
  statusIntervalMs: number;
  signal: AbortSignal;
}


const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

export class StreamReader {
  private stream: ReplicationStream | undefined;
  private readonly relations = new RelationCache();
  /** Relation id → its schema, or null when the table is not captured. */
  private readonly captured = new Map<number, TableSchema | null>();
  private tx: OpenTransaction | undefined;
  private confirmed: Lsn;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly builder: ChangeRecordBuilder;

  constructor(private readonly o: StreamReaderOptions) {
    this.confirmed = o.initialFlushedLsn;
    this.builder = new ChangeRecordBuilder(o.context, o.position, o.transactionMetadata.enabled);
  }

  /** Streams until the signal aborts (resolves) or the stream fails (rejects). */
  async run(): Promise<void> {
    const o = this.o;
    const stream = await o.connection.startReplication({
      slot: o.slotName,
      startLsn: o.startLsn,
      publicationNames: [o.publicationName],
      protoVersion: 1,
      messages: o.connection.serverVersionNum >= 140000,
      statusIntervalMs: o.statusIntervalMs,
      initialFlushedLsn: this.confirmed,
      includeKeepalives: true,
      highWaterMark: 4096,
      signal: o.signal,
    });
    this.stream = stream;
    o.logger.info({ slot: o.slotName, startLsn: o.startLsn.toString(), publication: o.publicationName }, 'streaming changes');
    if (o.heartbeats.enabled) {
      // Ask the server for a keepalive: its position lets an idle slot advance with the heartbeat.
      this.heartbeatTimer = setInterval(() => stream.sendStatusUpdate({ replyRequested: true }), Math.max(100, o.heartbeats.intervalMs));
      this.heartbeatTimer.unref();
    }
    try {
      await o.incremental?.start();
      for (;;) {
        const event = await stream.read();
        if (event === undefined) break;
        const pending = this.handle(event);
        if (pending !== undefined) await pending;
        if (o.queue.isFull) await o.queue.waitForSpace(o.signal);
      }
    } finally {
      clearInterval(this.heartbeatTimer);
    }
    if (!o.signal.aborted) {
      throw new ReplicationError(`the server ended streaming from replication slot "${o.slotName}"`, { code: ReplicationErrorCode.CONNECTION });
    }
  }

  /**
   * Confirms `lsn` to the server (it is stored downstream). Moves only forward; sent at once so the slot's
   * confirmed_flush_lsn follows promptly.
   */
  confirm(lsn: Lsn): void {
    if (lsn <= this.confirmed) return;
    this.confirmed = lsn;
    this.stream?.setFlushedLsn(lsn);
    this.stream?.sendStatusUpdate();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    await this.stream?.stop().catch(() => undefined);
  }

  private handle(event: ReplicationEvent): Promise<void> | undefined {
    if (event.kind === 'keepalive') {
      this.onKeepalive(event.walEnd);
      return undefined;
    }
    const m = event.message;
    switch (m.tag) {
      case 'begin':
        this.onBegin(event, m.xid, m.finalLsn, m.commitTime);
        return undefined;
      case 'commit':
        this.onCommit(m.endLsn);
        return undefined;
      case 'relation':
        return this.onRelation(m);
      case 'origin':
        if (this.tx) {
          this.tx.origin = m.name;
          this.tx.originLsn = m.originLsn;
        }
        return undefined;
      case 'type':
        this.relations.applyType(m);
        return undefined;
      case 'insert':
      case 'update':
      case 'delete':
        return this.onChange(event, m);
      case 'truncate':
        this.onTruncate(event, m);
        return undefined;
      case 'message':
        this.onMessage(event, m);
        return undefined;
      default:
        throw new ReplicationError(`unexpected pgoutput message "${m.tag}": in-progress transaction streaming was not requested`, {
          code: ReplicationErrorCode.PROTOCOL,
        });
    }
  }

  private onBegin(event: DataEvent, xid: number, finalLsn: Lsn, commitTime: bigint): void {
    const decision = this.o.resume.onBegin(xid, finalLsn);
    const tsUs = commitTime + PG_EPOCH_OFFSET_US;
    this.tx = { xid, tsUsec: Number(tsUs), commitNs: tsUs * 1000n, skip: decision === 'skip', origin: null, originLsn: null };
    if (decision === 'skip') return;
    const position = this.o.position;
    const continued = decision === 'resume' && position.transactionId === String(xid);
    position.begin(event.walStart, xid, this.tx.tsUsec);
    if (!this.o.transactionMetadata.enabled || continued) return;
    position.startTransaction(String(xid));
    const record = transactionRecord(
      this.o.context.topicPrefix,
      { status: 'BEGIN', id: `${xid}:${event.walStart}`, tsMs: Math.floor(this.tx.tsUsec / 1000) },
      this.o.transactionMetadata.topicSuffix,
    );
    this.o.queue.push(sourceRecord(record, this.o.context.partition, position.offset()));
  }

  private onCommit(endLsn: Lsn): void {
    const tx = this.tx;
    this.tx = undefined;
    if (tx?.skip) return;
    this.o.resume.onCommit();
    const position = this.o.position;
    position.commit(endLsn);
    if (this.o.transactionMetadata.enabled && tx !== undefined && position.transactionId !== undefined) {
      const collections = [...position.tableOrder].map(([dataCollection, eventCount]) => ({ dataCollection, eventCount }));
      const total = position.totalOrder;
      position.endTransaction();
      const record = transactionRecord(
        this.o.context.topicPrefix,
        { status: 'END', id: `${tx.xid}:${endLsn}`, tsMs: Math.floor(tx.tsUsec / 1000), eventCount: total, dataCollections: collections },
        this.o.transactionMetadata.topicSuffix,
      );
      this.o.queue.push(sourceRecord(record, this.o.context.partition, position.offset()));
    }
    this.maybeHeartbeat();
  }

  private onKeepalive(walEnd: Lsn): void {
    // Inside a transaction the keepalive's position may lie past changes not yet handled.
    if (this.tx === undefined) this.o.position.idleAt(walEnd);
    this.maybeHeartbeat();
  }

  private maybeHeartbeat(): void {
    if (this.tx !== undefined || !this.o.heartbeats.due()) return;
    this.o.queue.push(this.o.heartbeats.beat(this.o.position.offset()));
  }

  private async onRelation(m: RelationMessage): Promise<void> {
    const { relation, changed } = this.relations.apply(m);
    if (!this.o.tableFilter(relation.schema, relation.name)) {
      this.captured.set(relation.relationId, null);
      return;
    }
    const facts = (await readTableFacts(this.o.sql, [relation.relationId])).get(relation.relationId);
    await this.o.types.load(this.o.sql, relation.columns.map((c) => c.typeOid), { refresh: changed });
    const schema = this.o.schemas.fromRelation(relation, facts);
    const previous = this.captured.get(relation.relationId);
    this.captured.set(relation.relationId, schema);
    if (previous !== undefined && previous !== null && previous !== schema) {
      this.o.logger.info({ table: `${relation.schema}.${relation.name}`, columns: relation.columns.map((c) => c.name) }, 'table definition changed');
    }
  }

  private schemaFor(relationId: number): TableSchema | null {
    const schema = this.captured.get(relationId);
    if (schema === undefined) {
      this.relations.require(relationId);
      return null;
    }
    return schema;
  }

  private onChange(event: DataEvent, m: InsertMessage | UpdateMessage | DeleteMessage): Promise<void> | undefined {
    const tx = this.tx;
    if (tx?.skip) return undefined;
    const lsn = event.walStart;
    const type: MessageType = m.tag === 'insert' ? 'INSERT' : m.tag === 'update' ? 'UPDATE' : 'DELETE';
    const skip = this.o.resume.skipChange(lsn);
    this.o.position.event(lsn, type);
    if (skip) return undefined;
    const incremental = this.o.incremental;
    let signal: Promise<void> | undefined;
    if (incremental !== undefined && m.tag === 'insert') {
      const relation = this.relations.get(m.relationId);
      if (relation !== undefined && incremental.isSignalTable(relation.schema, relation.name)) {
        signal = incremental.onSignalRow(relation.columns.map((c) => c.name), toRow(m.newTuple));
      }
    }
    this.emitChange(m, lsn, tx);
    return signal;
  }

  private emitChange(m: InsertMessage | UpdateMessage | DeleteMessage, lsn: Lsn, tx: OpenTransaction | undefined): void {
    const table = this.schemaFor(m.relationId);
    if (table === null) return;
    const op: SkippableOperation = m.tag === 'insert' ? 'c' : m.tag === 'update' ? 'u' : 'd';
    if (this.o.skippedOperations.has(op)) return;
    let change: RowChange;
    if (m.tag === 'insert') change = { op: 'c', after: toRow(m.newTuple) };
    else if (m.tag === 'update') change = { op: 'u', before: m.old ? toRow(m.old.tuple) : null, after: toRow(m.newTuple) };
    else change = { op: 'd', before: toRow(m.old.tuple) };
    // The rows this change touches leave an open incremental snapshot window.
    this.o.incremental?.onChange(m.relationId, [change.op === 'u' || change.op === 'd' ? change.before : null, change.op === 'd' ? null : change.after]);
    const records = this.builder.records(table, change, lsn, tx);
    // Records of one change share its offset and are polled together (see RecordQueue).
    this.o.queue.push(records.length === 1 ? records[0]! : records);
  }

  private onTruncate(event: DataEvent, m: TruncateMessage): void {
    const tx = this.tx;
    if (tx?.skip) return;
    const lsn = event.walStart;
    const skip = this.o.resume.skipChange(lsn);
    this.o.position.event(lsn, 'TRUNCATE');
    if (skip || this.o.skippedOperations.has('t')) return;
    // One message, one offset: the records of all its tables go out as one group.
    const group: SourceRecord[] = [];
    for (const relationId of m.relationIds) {
      const table = this.schemaFor(relationId);
      if (table !== null) group.push(...this.builder.records(table, { op: 't' }, lsn, tx));
    }
    this.o.queue.push(group);
  }

  private onMessage(event: DataEvent, m: LogicalMessage): void {
    const o = this.o;
    const tx = m.transactional ? this.tx : undefined;
    if (tx?.skip) return;
    const lsn = m.lsn;
    let timestampNs: bigint;
    if (tx !== undefined) {
      const skip = o.resume.skipChange(event.walStart);
      o.position.event(event.walStart, 'MESSAGE');
      if (skip) return;
      timestampNs = tx.commitNs;
    } else {
      const skip = o.resume.skipStandaloneMessage(lsn);
      timestampNs = nowNs();
      o.position.standaloneMessage(lsn, Number(timestampNs / 1000n));
      if (skip) return;
    }
    if (o.messageFilter !== undefined && !o.messageFilter(m.prefix)) return;
    const record = logicalMessageRecord(
      { prefix: m.prefix, content: m.content },
      {
        topicPrefix: o.context.topicPrefix,
        binaryHandlingMode: o.binaryHandlingMode,
        source: {
          serverName: o.context.topicPrefix,
          db: o.context.db,
          timestampNs,
          schema: '',
          table: '',
          txId: tx?.xid ?? null,
          lsn,
          lastCommitLsn: o.position.lastCommitLsn ?? null,
        },
        processedAtMs: Date.now(),
      },
    );
    o.queue.push(sourceRecord(record, o.context.partition, o.position.offset()));
    if (tx === undefined) this.maybeHeartbeat();
  }
}
