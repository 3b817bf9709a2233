/**
 * One START_REPLICATION session: decoded pgoutput messages out (as an async iterator), standby status updates in.
 *
 * The flushed LSN reported to the server is exactly what the caller last gave setFlushedLsn (never more): the server
 * turns it into the slot's confirmed_flush_lsn and may then discard the WAL before it, so it must only move once
 * the caller's records up to it are durable downstream. The written LSN reports what has been received, which the
 * server uses for monitoring only.
 *
 * Backpressure: decoded messages wait in a queue; when it holds `highWaterMark` messages the socket is paused, so
 * the server's send buffer fills and the walsender waits instead of this process buffering without bound. Status
 * updates keep going out on the timer while paused, so a slow consumer does not trip wal_sender_timeout.
 */
import type { Connection } from 'pg';
import { abortError, ReplicationError, ReplicationErrorCode } from './errors';
import { assertLsn, INVALID_LSN, maxLsn, type Lsn } from './lsn';
import { PgoutputDecoder } from './pgoutput-decoder';
import type { PgoutputMessage } from './pgoutput-messages';
import { decodeServerFrame, encodeStandbyStatusUpdate } from './replication-frames';

export interface DataEvent {
  kind: 'data';
  /** The message's WAL position (see XLogDataFrame.walStart); 0 for Relation and Type messages. */
  walStart: Lsn;
  walEnd: Lsn;
  serverClock: bigint;
  message: PgoutputMessage;
}

export interface KeepaliveEvent {
  kind: 'keepalive';
  walEnd: Lsn;
  serverClock: bigint;
  replyRequested: boolean;
}

export type ReplicationEvent = DataEvent | KeepaliveEvent;

export interface ReplicationStreamOptions {
  /** Period of standby status updates. Default 10 000 ms; keep it well below the server's wal_sender_timeout. */
  statusIntervalMs?: number;
  /**
   * The flushed LSN to report until setFlushedLsn is called. Default 0 (confirm nothing); pass the LSN you resumed
   * from if it is already durable downstream.
   */
  initialFlushedLsn?: Lsn;
  /** Pause reading from the server while this many events wait to be consumed. Default 1024. */
  highWaterMark?: number;
  /** Also yield keepalives (their walEnd shows how far the server has decoded). Default false. */
  includeKeepalives?: boolean;
  /** How long stop() waits for the server to end the copy before giving up on the connection. Default 10 000 ms. */
  stopTimeoutMs?: number;
  /** Aborting stops the stream, as stop() does. */
  signal?: AbortSignal;
}

/** The parts of node-postgres' Connection the stream writes with; present at runtime, absent from @types/pg. */
export interface CopyBothConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  readonly stream: { pause(): unknown; resume(): unknown };
}

export type StreamState = 'starting' | 'streaming' | 'stopping' | 'ended' | 'failed';

interface Waiter {
  resolve: (event: ReplicationEvent | undefined) => void;
  reject: (error: Error) => void;
}

/** Created by ReplicationConnection.startReplication; not constructed directly. */
export class ReplicationStream implements AsyncIterable<ReplicationEvent> {
  private readonly decoder = new PgoutputDecoder({ copyBytes: true });
  private readonly queue: ReplicationEvent[] = [];
  private head = 0;
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private status: StreamState = 'starting';
  private paused = false;
  private flushed: Lsn;
  private received: Lsn = INVALID_LSN;
  private timer: NodeJS.Timeout | undefined;
  private readonly highWaterMark: number;
  private readonly lowWaterMark: number;
  private readonly includeKeepalives: boolean;
  private readonly statusIntervalMs: number;
  private readonly stopTimeoutMs: number;
  private connection: CopyBothConnection | undefined;
  private readonly finished: Promise<void>;
  private settleFinished!: () => void;
  private readonly onAbort: () => void;
  private readonly signal: AbortSignal | undefined;

  /** @internal */
  constructor(
    options: ReplicationStreamOptions,
    private readonly describe: (error: unknown) => Error,
  ) {
    const interval = options.statusIntervalMs ?? 10_000;
    if (!(interval > 0)) throw invalid(`statusIntervalMs must be positive, got ${interval}`);
    const hwm = options.highWaterMark ?? 1024;
    if (!(hwm >= 1)) throw invalid(`highWaterMark must be at least 1, got ${hwm}`);
    const initial = options.initialFlushedLsn ?? INVALID_LSN;
    assertLsn(initial, 'initialFlushedLsn');
    this.flushed = initial;
    this.statusIntervalMs = interval;
    this.highWaterMark = hwm;
    this.lowWaterMark = Math.floor(hwm / 2);
    this.includeKeepalives = options.includeKeepalives === true;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.finished = new Promise((resolve) => {
      this.settleFinished = resolve;
    });
    this.signal = options.signal;
    this.onAbort = () => {
      void this.stop();
    };
  }

  get state(): StreamState {
    return this.status;
  }

  /** The flushed LSN the next status update will report. */
  get flushedLsn(): Lsn {
    return this.flushed;
  }

  /** The highest WAL position received so far (XLogData or keepalive). */
  get receivedLsn(): Lsn {
    return this.received;
  }

  /** Events decoded and not yet consumed. */
  get queuedEvents(): number {
    return this.queue.length - this.head;
  }

  /**
   * Declares everything up to `lsn` durable downstream; the server may then discard the WAL before it. Use the
   * end LSN of the last fully committed transaction (Commit's endLsn, which is also that Commit's walStart). Lower
   * values than the current one are ignored: the server never moves a slot backwards either.
   */
  setFlushedLsn(lsn: Lsn): void {
    assertLsn(lsn, 'flushed LSN');
    if (lsn > this.flushed) this.flushed = lsn;
  }

  /** Sends a status update now rather than at the next tick (e.g. right after advancing the flushed LSN). */
  sendStatusUpdate(options: { replyRequested?: boolean } = {}): void {
    if (this.connection === undefined || (this.status !== 'streaming' && this.status !== 'stopping')) return;
    // The server expects written ≥ flushed; the caller may confirm a position it learned before this session.
    const written = maxLsn(this.received, this.flushed);
    this.connection.sendCopyFromChunk(
      encodeStandbyStatusUpdate({
        written,
        flushed: this.flushed,
        applied: this.flushed,
        replyRequested: options.replyRequested === true,
      }),
    );
  }

  /** The next event, or undefined once the stream has ended. Rejects if the stream failed. */
  read(options: { signal?: AbortSignal } = {}): Promise<ReplicationEvent | undefined> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    if (this.failure) return Promise.reject(this.failure);
    if (this.status === 'ended' || this.status === 'stopping') return Promise.resolve(undefined);
    if (this.waiter) return Promise.reject(invalid('read() called while another read() is pending'));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal, 'reading the replication stream'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = undefined;
        reject(abortError(signal!, 'reading the replication stream'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (event) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(event);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReplicationEvent> {
    for (;;) {
      const event = await this.read();
      if (event === undefined) return;
      yield event;
    }
  }

  /**
   * Ends the session cleanly: a last status update with the caller's flushed LSN, then CopyDone, then waits for the
   * server to finish the command. Events not yet consumed are dropped; they were not confirmed, so the server sends
   * them again next time. Resolves when the connection is ready for other commands; rejects (and the connection
   * should be closed) if the server does not answer within stopTimeoutMs.
   */
  async stop(): Promise<void> {
    if (this.status === 'starting' || this.status === 'streaming') {
      const started = this.status === 'streaming';
      this.sendStatusUpdate();
      this.status = 'stopping';
      this.clearTimer();
      this.queue.length = 0;
      this.head = 0;
      this.waiter?.resolve(undefined);
      this.waiter = undefined;
      // CopyDone is only valid once the server has switched to CopyBoth; onStarted sends it otherwise.
      if (started) this.connection?.endCopyFrom();
      // The server's CopyDone and CommandComplete must be read even if the consumer had paused the socket.
      this.resumeSocket();
    }
    if (this.status === 'ended' || this.status === 'failed') return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ReplicationError(`the server did not end the replication stream within ${this.stopTimeoutMs} ms`, { code: ReplicationErrorCode.CONNECTION })),
        this.stopTimeoutMs,
      );
    });
    try {
      await Promise.race([this.finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when the session is over, whether stopped, ended by the server or failed. */
  get done(): Promise<void> {
    return this.finished;
  }

  // ---- driven by the connection --------------------------------------------------------------------------------

  /** @internal CopyBothResponse arrived: the server is streaming. */
  onStarted(connection: CopyBothConnection): void {
    this.connection = connection;
    if (this.status === 'stopping') {
      connection.endCopyFrom();
      return;
    }
    if (this.status !== 'starting') return;
    this.status = 'streaming';
    this.timer = setInterval(() => this.sendStatusUpdate(), this.statusIntervalMs);
    this.timer.unref();
    if (this.signal?.aborted) void this.stop();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** @internal One CopyData payload from the server. */
  onCopyData(chunk: Buffer): void {
    if (this.status !== 'streaming') return;
    try {
      const frame = decodeServerFrame(chunk);
      if (frame.kind === 'keepalive') {
        this.received = maxLsn(this.received, frame.walEnd);
        // Answer at once: the server disconnects at wal_sender_timeout if a requested reply does not come.
        if (frame.replyRequested) this.sendStatusUpdate();
        if (this.includeKeepalives) this.push(frame);
        return;
      }
      const message = this.decoder.decode(frame.data);
      this.received = maxLsn(this.received, frame.walEnd);
      this.push({ kind: 'data', walStart: frame.walStart, walEnd: frame.walEnd, serverClock: frame.serverClock, message });
    } catch (error) {
      this.onFailed(error);
      // A stream we cannot decode is useless; ending the copy lets the server release the slot promptly.
      this.connection?.endCopyFrom();
    }
  }

  /** @internal The command finished (ReadyForQuery after CopyDone/CommandComplete). */
  onEnded(): void {
    if (this.status === 'ended' || this.status === 'failed') return;
    this.status = 'ended';
    this.finish();
  }

  /** @internal The server or the socket failed. */
  onFailed(error: unknown): void {
    if (this.status === 'ended' || this.status === 'failed') return;
    // Queued events are dropped with the failure: none of them was confirmed, so the server sends them again.
    this.failure = this.describe(error);
    this.status = 'failed';
    this.queue.length = 0;
    this.head = 0;
    this.waiter?.reject(this.failure);
    this.waiter = undefined;
    this.finish();
  }

  private finish(): void {
    this.clearTimer();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.waiter?.resolve(undefined);
    this.waiter = undefined;
    this.resumeSocket();
    this.settleFinished();
  }

  private push(event: ReplicationEvent): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve(event);
      return;
    }
    this.queue.push(event);
    if (!this.paused && this.queuedEvents >= this.highWaterMark) {
      this.paused = true;
      this.connection?.stream.pause();
    }
  }

  private take(): ReplicationEvent {
    const event = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as ReplicationEvent;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.paused && this.queuedEvents <= this.lowWaterMark) this.resumeSocket();
    return event;
  }

  private resumeSocket(): void {
    if (!this.paused) return;
    this.paused = false;
    this.connection?.stream.resume();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Narrows node-postgres' Connection to the CopyBoth operations (they exist at runtime but are not typed). */
export function copyBothConnection(connection: Connection): CopyBothConnection {
  const c = connection as unknown as Partial<CopyBothConnection>;
  if (typeof c.sendCopyFromChunk !== 'function' || typeof c.endCopyFrom !== 'function' || c.stream === undefined) {
    throw new ReplicationError('this version of node-postgres does not expose sendCopyFromChunk/endCopyFrom on its connection', {
      code: ReplicationErrorCode.PROTOCOL,
    });
  }
  return c as CopyBothConnection;
}

function invalid(message: string): ReplicationError {
  return new ReplicationError(message, { code: ReplicationErrorCode.INVALID_ARGUMENT });
}
