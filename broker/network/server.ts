/**
 * The Kafka protocol listener: accepts TCP connections and gives each a Connection. In-process
 * connections (the embedded mode's clients) get a Connection of their own in exactly the same way,
 * over an in-memory pipe instead of a socket: same dispatcher, same limits, same in-order responses
 * and back-pressure. Closing the server closes both kinds.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import type { ByteStream } from './byte-stream';
import { Connection, type FrameDispatcher, type TrafficCounters } from './connection';
import { inProcessPair } from './in-process-socket';

export interface ServerOptions {
  host: string;
  port: number;
  dispatcher: FrameDispatcher;
  maxRequestBytes: number;
  logger: Logger;
}

export interface ConnectionCounts {
  tcp: number;
  inProcess: number;
}

export interface ConnectionStats {
  /** Connections open now. */
  open: ConnectionCounts;
  /** Connections accepted since the server started. */
  accepted: ConnectionCounts;
  /** Request bytes received and response bytes sent since the server started, over all connections. */
  traffic: TrafficCounters;
}

export class KafkaServer {
  private readonly server: net.Server;
  private readonly open = { tcp: new Set<ByteStream>(), inProcess: new Set<ByteStream>() };
  private readonly accepted: ConnectionCounts = { tcp: 0, inProcess: 0 };
  private readonly traffic: TrafficCounters = { bytesIn: 0, bytesOut: 0 };
  private nextId = 1;
  private closing = false;

  private constructor(private readonly opts: ServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket, 'tcp'));
  }

  static async listen(opts: ServerOptions): Promise<KafkaServer> {
    const s = new KafkaServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(opts.port, opts.host, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  /** The bound port (useful when listening on port 0). */
  get port(): number {
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.opts.port;
  }

  /** Open connections, TCP and in-process. */
  get connectionCount(): number {
    return this.open.tcp.size + this.open.inProcess.size;
  }

  get connectionStats(): ConnectionStats {
    return { open: { tcp: this.open.tcp.size, inProcess: this.open.inProcess.size }, accepted: { ...this.accepted }, traffic: { ...this.traffic } };
  }

  /**
   * Opens a connection without the network: returns the client's end of an in-memory pipe whose
   * other end is served like an accepted socket. Throws once the server is closing.
   */
  acceptInProcess(): ByteStream {
    if (this.closing) throw new Error('the broker is shutting down');
    const { client, server } = inProcessPair({ clientPort: this.nextId, serverPort: this.port });
    this.accept(server, 'inProcess');
    return client;
  }

  private accept(socket: ByteStream, kind: keyof ConnectionCounts): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const open = this.open[kind];
    open.add(socket);
    this.accepted[kind]++;
    socket.on('close', () => open.delete(socket));
    new Connection({
      socket,
      id: this.nextId++,
      dispatcher: this.opts.dispatcher,
      maxRequestBytes: this.opts.maxRequestBytes,
      logger: this.opts.logger,
      traffic: this.traffic,
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of [...this.open.tcp, ...this.open.inProcess]) socket.destroy();
    await closed;
  }
}
