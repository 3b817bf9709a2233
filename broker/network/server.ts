/** TCP listener for the Kafka protocol: accepts connections and gives each a Connection. */
import net from 'node:net';
import type { Logger } from 'pino';
import { Connection, type FrameDispatcher } from './connection';

export interface ServerOptions {
  host: string;
  port: number;
  dispatcher: FrameDispatcher;
  maxRequestBytes: number;
  logger: Logger;
}

export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();
  private nextId = 1;

  private constructor(private readonly opts: ServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
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

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: net.Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    new Connection({
      socket,
      id: this.nextId++,
      dispatcher: this.opts.dispatcher,
      maxRequestBytes: this.opts.maxRequestBytes,
      logger: this.opts.logger,
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }
}
