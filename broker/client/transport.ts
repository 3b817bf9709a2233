/**
 * How a broker connection reaches its broker. The client speaks the Kafka protocol over any
 * ByteStream; the transport opens one for an address. TCP is the default. The in-process transport
 * is the embedded client: against a broker running in the same process (the Connect worker's
 * embedded mode, tests) every connection is an in-memory pipe into that broker, with no network
 * hop, while everything above it (KafkaClient, Producer, consumers, admin) is the same code as
 * against a remote cluster.
 */
import type { ByteStream } from '../network/byte-stream';
import { ConnectionError, abortError } from './errors';
import { openSocket, type SocketOptions } from './open-socket';

export type { ByteStream };

export type TransportOptions = SocketOptions;

/** Opens a byte stream to the broker at `host:port`; rejects with a ConnectionError naming it. */
export type Transport = (opts: TransportOptions) => Promise<ByteStream>;

export const tcpTransport: Transport = openSocket;

/** A broker in this process that accepts in-process connections (the broker's Broker class is one). */
export interface EmbeddedBroker {
  /** host:port the broker advertises in Metadata and FindCoordinator. */
  readonly advertisedAddress: string;
  /** The client end of a new in-process connection; throws once the broker is stopping. */
  connectInProcess(): ByteStream;
}

/**
 * Connects every address to `broker` in-process. A single broker advertises only itself, so every
 * address the client learns (bootstrap, Metadata, FindCoordinator) is that broker.
 */
export function inProcessTransport(broker: EmbeddedBroker): Transport {
  return async (opts) => {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    try {
      return broker.connectInProcess();
    } catch (err) {
      throw new ConnectionError(`cannot connect to broker at ${opts.host}:${opts.port} (in-process): ${(err as Error).message}`, 'ECONNREFUSED');
    }
  };
}

/** The KafkaClient options that make a client embedded: spread them into the rest. */
export function embeddedClientOptions(broker: EmbeddedBroker): { bootstrapServers: string; transport: Transport } {
  return { bootstrapServers: broker.advertisedAddress, transport: inProcessTransport(broker) };
}
