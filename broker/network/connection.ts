/**
 * One client connection (an accepted TCP socket or an in-process pipe): splits the byte stream into
 * size-prefixed frames, hands each frame to the dispatcher as soon as it is complete (so produce
 * appends happen in arrival order), and writes the responses back strictly in request order even
 * when a later request finishes first. A frame that cannot be handled closes only this connection,
 * with the reason logged.
 */
import type { Logger } from 'pino';
import { FrameSplitter } from '../protocol/frame-splitter';
import type { ByteStream } from './byte-stream';

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** Encoded response frame (size prefix included) as chunks, or null when the request gets no response. */
export type ResponseChunks = Buffer[] | null;

export interface FrameDispatcher {
  dispatch(frame: Buffer, conn: ConnectionInfo): ResponseChunks | Promise<ResponseChunks>;
}

interface PendingResponse {
  done: boolean;
  chunks: ResponseChunks;
}

/** Bytes received and sent, summed over the connections that share the object. */
export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
}

export interface ConnectionOptions {
  /** An accepted TCP socket, or the server end of an in-process pipe. */
  socket: ByteStream;
  id: number;
  dispatcher: FrameDispatcher;
  maxRequestBytes: number;
  logger: Logger;
  traffic: TrafficCounters;
}

export class Connection implements ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly socket: ByteStream;
  private readonly dispatcher: FrameDispatcher;
  private readonly logger: Logger;
  private readonly queue: PendingResponse[] = [];
  private readonly frames: FrameSplitter;
  private readonly traffic: TrafficCounters;
  private closed = false;

  constructor(opts: ConnectionOptions) {
    this.socket = opts.socket;
    this.id = opts.id;
    this.dispatcher = opts.dispatcher;
    this.traffic = opts.traffic;
    this.remoteAddress = opts.socket.remoteAddress ?? 'unknown';
    this.remotePort = opts.socket.remotePort ?? 0;
    this.logger = opts.logger.child({ conn: this.id, remote: `${this.remoteAddress}:${this.remotePort}` });
    this.socket.setNoDelay?.(true);
    this.frames = new FrameSplitter({
      minFrameBytes: 8,
      maxFrameBytes: opts.maxRequestBytes,
      onFrame: (frame) => this.handleFrame(frame),
      onInvalidSize: (size) =>
        this.close(
          size > opts.maxRequestBytes ? `request of ${size} bytes exceeds socket.request.max.bytes=${opts.maxRequestBytes}` : `invalid request size ${size}`,
        ),
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.traffic.bytesIn += chunk.length;
      this.frames.push(chunk);
    });
    this.socket.on('drain', () => this.socket.resume());
    this.socket.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'socket error'));
    this.socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Closes the connection and logs why (malformed frames, unsupported requests, oversized frames). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.frames.stop();
    this.logger.warn({ reason }, 'closing connection');
    this.socket.destroy();
  }

  private handleFrame(frame: Buffer): void {
    const pending: PendingResponse = { done: false, chunks: null };
    this.queue.push(pending);
    let result: ResponseChunks | Promise<ResponseChunks>;
    try {
      result = this.dispatcher.dispatch(frame, this);
    } catch (err) {
      this.close((err as Error).message);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (chunks) => this.complete(pending, chunks),
        (err: Error) => this.close(err.message),
      );
    } else {
      this.complete(pending, result);
    }
  }

  private complete(pending: PendingResponse, chunks: ResponseChunks): void {
    pending.done = true;
    pending.chunks = chunks;
    if (this.closed) return;
    let wrote = false;
    while (this.queue.length > 0 && (this.queue[0] as PendingResponse).done) {
      const head = this.queue.shift() as PendingResponse;
      if (head.chunks === null) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const c of head.chunks) {
        this.traffic.bytesOut += c.length;
        this.socket.write(c);
      }
    }
    if (wrote) {
      this.socket.uncork();
      // Back-pressure: stop reading requests while the client is not reading its responses.
      if (this.socket.writableNeedDrain) this.socket.pause();
    }
  }
}
