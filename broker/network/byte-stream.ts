/**
 * The byte stream a Kafka connection runs over, on either end: the part of net.Socket that the
 * broker's connections and the client's connections use. A TCP socket satisfies it as it is, and so
 * does one end of an in-process pipe (in-process-socket.ts), which lets the same broker and client
 * code run with or without a network hop.
 */
export interface ByteStream {
  /** True once the stream was closed by either end; writes are then dropped. */
  readonly destroyed: boolean;
  /** True after a write returned false, until 'drain'. */
  readonly writableNeedDrain: boolean;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  /** Queues bytes for the other end; false when the caller should wait for 'drain'. */
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
  /** Stops 'data' events until resume(). */
  pause(): unknown;
  resume(): unknown;
  setNoDelay?(noDelay?: boolean): unknown;
  /** Closes at once; bytes not yet delivered are dropped. 'close' follows. */
  destroy(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'drain' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}
