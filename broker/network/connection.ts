/**
 * One client connection: splits the byte stream into size-prefixed frames, hands each frame to the
 * dispatcher as soon as it is complete (so produce appends happen in arrival order), and writes the
 * responses back strictly in request order even when a later request finishes first. A frame that
 * cannot be handled closes only this connection, with the reason logged.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

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

export interface ConnectionOptions {
  socket: Socket;
  id: number;
  dispatcher: FrameDispatcher;
  maxRequestBytes: number;
  logger: Logger;
}

export class Connection implements ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly socket: Socket;
  private readonly dispatcher: FrameDispatcher;
  private readonly maxRequestBytes: number;
  private readonly logger: Logger;
  private readonly queue: PendingResponse[] = [];
  private sizeBytes = Buffer.alloc(4);
  private sizeFilled = 0;
  /** Size of the frame being read, or -1 while reading a size prefix. */
  private frameSize = -1;
  private frame: Buffer | null = null;
  private frameFilled = 0;
  private closed = false;

  constructor(opts: ConnectionOptions) {
    this.socket = opts.socket;
    this.id = opts.id;
    this.dispatcher = opts.dispatcher;
    this.maxRequestBytes = opts.maxRequestBytes;
    this.remoteAddress = opts.socket.remoteAddress ?? 'unknown';
    this.remotePort = opts.socket.remotePort ?? 0;
    this.logger = opts.logger.child({ conn: this.id, remote: `${this.remoteAddress}:${this.remotePort}` });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('drain', () => this.socket.resume());
    this.socket.on('error', (err) => this.logger.debug({ err: err.message }, 'socket error'));
    this.socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Closes the connection and logs why (malformed frames, unsupported requests, oversized frames). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.warn({ reason }, 'closing connection');
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.closed) {
      if (this.frameSize < 0) {
        const take = Math.min(4 - this.sizeFilled, chunk.length - pos);
        if (this.sizeFilled === 0 && take === 4) {
          this.frameSize = chunk.readInt32BE(pos);
        } else {
          chunk.copy(this.sizeBytes, this.sizeFilled, pos, pos + take);
          this.sizeFilled += take;
          if (this.sizeFilled < 4) return;
          this.sizeFilled = 0;
          this.frameSize = this.sizeBytes.readInt32BE(0);
        }
        pos += take;
        if (!this.checkFrameSize(this.frameSize)) return;
        // A frame wholly inside this chunk is passed on as a view, without a copy.
        if (chunk.length - pos >= this.frameSize) {
          const end = pos + this.frameSize;
          this.frameSize = -1;
          this.handleFrame(chunk.subarray(pos, end));
          pos = end;
          continue;
        }
        this.frame = Buffer.allocUnsafe(this.frameSize);
        this.frameFilled = 0;
      }
      const frame = this.frame as Buffer;
      const take = Math.min(frame.length - this.frameFilled, chunk.length - pos);
      chunk.copy(frame, this.frameFilled, pos, pos + take);
      this.frameFilled += take;
      pos += take;
      if (this.frameFilled === frame.length) {
        this.frame = null;
        this.frameSize = -1;
        this.handleFrame(frame);
      }
    }
  }

  private checkFrameSize(size: number): boolean {
    if (size >= 8 && size <= this.maxRequestBytes) return true;
    this.close(
      size > this.maxRequestBytes
        ? `request of ${size} bytes exceeds socket.request.max.bytes=${this.maxRequestBytes}`
        : `invalid request size ${size}`,
    );
    return false;
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
      for (const c of head.chunks) this.socket.write(c);
    }
    if (wrote) {
      this.socket.uncork();
      // Back-pressure: stop reading requests while the client is not reading its responses.
      if (this.socket.writableNeedDrain) this.socket.pause();
    }
  }
}
