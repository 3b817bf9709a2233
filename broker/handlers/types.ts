/** What every API handler sees: the broker's services and the request's own context. */
import type { Logger } from 'pino';
import type { Message } from '../protocol/codec';
import type { BrokerConfig } from '../config/broker-config';
import type { LogManager } from '../log/log-manager';
import type { ConnectionInfo } from '../network/connection';
import type { AppendNotifier } from './append-notifier';
import type { ProducerIdAllocator } from '../producer-id-allocator';
import type { CoordinatorService } from '../coordinator/coordinator-service';

export interface BrokerServices {
  config: BrokerConfig;
  clusterId: string;
  logs: LogManager;
  appends: AppendNotifier;
  producerIds: ProducerIdAllocator;
  coordinator: CoordinatorService;
  logger: Logger;
}

export interface RequestContext {
  apiVersion: number;
  clientId: string | null;
  connection: ConnectionInfo;
  broker: BrokerServices;
}

/** One Kafka API: the version range it advertises and how it answers. A null answer sends no response (acks=0). */
export interface ApiHandler {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  handle(request: Message, ctx: RequestContext): Message | null | Promise<Message | null>;
}

/** Kafka's "unknown" value for authorized-operations fields. */
export const AUTHORIZED_OPERATIONS_UNKNOWN = -2147483648;
