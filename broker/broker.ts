/**
 * A running broker: the log manager, the handler table and the Kafka protocol listener. Used by the
 * `sluice broker start` command and, in-process, by the Connect worker's embedded mode and tests.
 */
import pino, { type Logger } from 'pino';
import { parseBrokerConfig, type BrokerConfig } from './config/broker-config';
import type { Properties } from './config/properties';
import { CoordinatorService } from './coordinator/coordinator-service';
import { AppendNotifier } from './handlers/append-notifier';
import { brokerHandlers } from './handlers';
import { RequestRouter } from './handlers/request-router';
import type { BrokerServices } from './handlers/types';
import type { EmbeddedBroker } from './client/transport';
import { LogManager } from './log/log-manager';
import type { ByteStream } from './network/byte-stream';
import { KafkaServer, type ConnectionStats } from './network/server';
import { ProducerIdAllocator } from './producer-id-allocator';

export interface BrokerOptions {
  props: Properties;
  logger?: Logger;
}

export class Broker implements EmbeddedBroker {
  private constructor(
    readonly config: BrokerConfig,
    readonly services: BrokerServices,
    private readonly server: KafkaServer,
  ) {}

  static async start(opts: BrokerOptions): Promise<Broker> {
    const started = Date.now();
    const logger = opts.logger ?? pino({ name: 'broker' });
    const config = parseBrokerConfig(opts.props);
    const logs = await LogManager.open({ logDir: config.logDir, brokerProps: config.props, logger });
    const appends = new AppendNotifier();
    let coordinator: CoordinatorService;
    try {
      coordinator = CoordinatorService.open({ props: opts.props, logs, appends, logger });
    } catch (err) {
      await logs.close();
      throw err;
    }
    const services: BrokerServices = {
      config,
      clusterId: logs.clusterId,
      logs,
      appends,
      producerIds: await ProducerIdAllocator.open(config.logDir),
      coordinator,
      logger,
    };
    const router = new RequestRouter(services, brokerHandlers(), logger);
    let server: KafkaServer;
    try {
      server = await KafkaServer.listen({
        host: config.listener.host,
        port: config.listener.port,
        dispatcher: router,
        maxRequestBytes: config.socketRequestMaxBytes,
        logger,
      });
    } catch (err) {
      coordinator.close();
      await logs.close();
      throw new Error(`cannot listen on ${config.listener.host}:${config.listener.port}: ${(err as Error).message}`);
    }
    // Listening on port 0 (tests) picks a free port: clients must be told the real one.
    if (config.advertised.port === 0) config.advertised.port = server.port;
    logs.start();
    coordinator.start();
    const broker = new Broker(config, services, server);
    logger.info(
      { listener: `${config.listener.name}://${config.listener.host}:${broker.port}`, logDir: config.logDir, clusterId: logs.clusterId, topics: logs.listTopics().length, startupMs: Date.now() - started },
      'broker started',
    );
    return broker;
  }

  get port(): number {
    return this.server.port;
  }

  /** The host:port clients are told in Metadata and FindCoordinator. */
  get advertisedAddress(): string {
    return `${this.config.advertised.host}:${this.config.advertised.port}`;
  }

  /**
   * A connection without the network (the embedded mode's clients): the client's end of an
   * in-memory pipe, served exactly like an accepted TCP connection. Throws once the broker is stopping.
   * Clients get it through `inProcessTransport(broker)` from the client API.
   */
  connectInProcess(): ByteStream {
    return this.server.acceptInProcess();
  }

  /** Open and accepted connections, TCP and in-process. */
  get connectionStats(): ConnectionStats {
    return this.server.connectionStats;
  }

  /** Stops the coordinator and accepting requests, then flushes and closes every partition. */
  async stop(): Promise<void> {
    // Parked JoinGroup/SyncGroup answers go out first, telling members to find the coordinator again.
    this.services.coordinator.close();
    await this.server.close();
    await this.services.logs.close();
    this.services.logger.info('broker stopped');
  }
}
