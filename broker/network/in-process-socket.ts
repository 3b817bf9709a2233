/**
 * An in-memory duplex pipe whose two ends behave like connected TCP sockets as far as ByteStream
 * goes: what one end writes arrives at the other as 'data' events, in order, on a later turn of the
 * event loop (setImmediate, so a busy pipe never starves timers or I/O). Written bytes are copied,
 * as the kernel would, so a writer may reuse its buffers; they are packed into slabs, so many small
 * writes arrive as a few larger chunks.
 *
 * Back-pressure: write() returns false once the other end holds `highWaterMark` bytes it has not
 * read yet (it has not consumed them because it is paused, or the event loop has not come round);
 * 'drain' follows when it has read them all. pause()/resume() stop and restart 'data' events.
 *
 * Closing: destroy() is abortive, like a reset: bytes not yet delivered in either direction are
 * dropped, both ends count as destroyed at once, the other end gets 'end', and both get 'close'.
 * end() is graceful: the other end first reads everything written so far, then gets 'end', and both
 * close (no half-open pipes, as net.Socket's default allowHalfOpen: false). Neither end emits 'error'.
 */
import { EventEmitter } from 'node:events';
import type { ByteStream } from './byte-stream';

const SLAB_BYTES = 64 * 1024;

export interface InProcessPairOptions {
  /** Unread bytes at the other end after which write() returns false. Default 1 MiB. */
  highWaterMark?: number;
  /** What both ends report as remoteAddress. Default 'in-process'. */
  remoteAddress?: string;
  /** The server end's remotePort (the client's "ephemeral port"; a connection number will do). Default 0. */
  clientPort?: number;
  /** The client end's remotePort (the port the client believes it reached). Default 0. */
  serverPort?: number;
}

export interface InProcessPair {
  /** The end a client uses. */
  client: InProcessSocket;
  /** The end a server hands to its connection handling. */
  server: InProcessSocket;
}

interface Slab {
  buf: Buffer;
  /** Bytes before this were delivered. */
  start: number;
  /** Bytes before this were written. */
  used: number;
}

export function inProcessPair(opts: InProcessPairOptions = {}): InProcessPair {
  const highWaterMark = opts.highWaterMark ?? 1024 * 1024;
  const remoteAddress = opts.remoteAddress ?? 'in-process';
  const client = new InProcessSocket(remoteAddress, opts.serverPort ?? 0, highWaterMark);
  const server = new InProcessSocket(remoteAddress, opts.clientPort ?? 0, highWaterMark);
  client.connect(server);
  server.connect(client);
  return { client, server };
}

export class InProcessSocket extends EventEmitter implements ByteStream {
  private other: InProcessSocket | null = null;
  /** Bytes the other end wrote that this end has not emitted yet. */
  private readonly inbox: Slab[] = [];
  private inboxBytes = 0;
  private flushScheduled = false;
  private paused = false;
  private needDrain = false;
  /** This end called end(): it writes no more. */
  private ending = false;
  /** The other end called end(): once the inbox is empty, this end gets 'end'. */
  private otherEnded = false;
  private isDestroyed = false;

  /** Use inProcessPair(). */
  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
    private readonly highWaterMark: number,
  ) {
    super();
    this.on('newListener', (event: string | symbol) => {
      if (event === 'data') this.scheduleFlush();
    });
  }

  /** Links this end to the other one (once, by inProcessPair). */
  connect(other: InProcessSocket): void {
    if (this.other) throw new Error('an in-process socket is connected once');
    this.other = other;
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  get writableNeedDrain(): boolean {
    return this.needDrain;
  }

  /** Bytes written by this end that the other end has not read yet. */
  get writableLength(): number {
    return this.other?.inboxBytes ?? 0;
  }

  write(chunk: Uint8Array): boolean {
    const other = this.other;
    if (this.isDestroyed || this.ending || !other) return false;
    if (chunk.length > 0) other.receive(chunk);
    if (other.inboxBytes >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  /** Writes are delivered a turn of the event loop later anyway, and coalesced: nothing to do. */
  cork(): void {}

  uncork(): void {}

  setNoDelay(): this {
    return this;
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    this.scheduleFlush();
    return this;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  end(): this {
    if (this.isDestroyed || this.ending || !this.other) return this;
    this.ending = true;
    this.other.otherEnded = true;
    this.other.scheduleFlush();
    return this;
  }

  destroy(): this {
    if (this.isDestroyed) return this;
    this.closeEnd(false);
    if (this.other && !this.other.isDestroyed) this.other.closeEnd(true);
    return this;
  }

  /** Marks this end closed, drops what it has not read, and emits 'end' (when asked) and 'close' soon after. */
  private closeEnd(emitEnd: boolean): void {
    this.isDestroyed = true;
    this.inbox.length = 0;
    this.inboxBytes = 0;
    setImmediate(() => {
      if (emitEnd) this.emit('end');
      this.emit('close', false);
    });
  }

  /** Copies bytes written by the other end into this end's inbox. */
  private receive(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      let tail = this.inbox[this.inbox.length - 1];
      if (!tail || tail.used === tail.buf.length) {
        tail = { buf: Buffer.allocUnsafe(Math.max(SLAB_BYTES, chunk.length - pos)), start: 0, used: 0 };
        this.inbox.push(tail);
      }
      const n = Math.min(tail.buf.length - tail.used, chunk.length - pos);
      tail.buf.set(chunk.subarray(pos, pos + n), tail.used);
      tail.used += n;
      pos += n;
    }
    this.inboxBytes += chunk.length;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.isDestroyed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Emits what is in the inbox (unless paused or nobody listens), then 'drain' at the writer and 'end' here as due. */
  private flush(): void {
    this.flushScheduled = false;
    while (this.inboxBytes > 0 && !this.paused && !this.isDestroyed && this.listenerCount('data') > 0) {
      const slab = this.inbox[0] as Slab;
      const view = slab.buf.subarray(slab.start, slab.used);
      slab.start = slab.used;
      // Only the last slab can have room left; it stays to take further writes.
      if (slab.used === slab.buf.length) this.inbox.shift();
      this.inboxBytes -= view.length;
      if (view.length > 0) this.emit('data', view);
    }
    if (this.isDestroyed || this.inboxBytes > 0) return;
    const writer = this.other;
    if (writer && writer.needDrain && !writer.isDestroyed) {
      writer.needDrain = false;
      writer.emit('drain');
    }
    if (this.otherEnded && !this.isDestroyed) {
      this.closeEnd(true);
      if (writer && !writer.isDestroyed) writer.closeEnd(false);
    }
  }
}
