/**
 * The broker's client: what the Connect runtime and the CLI tools import. One Kafka-protocol client,
 * over TCP to any Kafka-compatible cluster, or in-process to a broker in the same process (the
 * embedded client: `KafkaClient.connectEmbedded(broker)` or `embeddedClientOptions(broker)`).
 */
export { BrokerConnection, VERSION_CAPS, type ConnectionOptions, type RequestOptions, type VersionRange } from './connection';
export { tcpTransport, inProcessTransport, embeddedClientOptions, type ByteStream, type EmbeddedBroker, type Transport, type TransportOptions } from './transport';
export { KafkaClient, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClientOptions, type TopicLookupOptions } from './kafka-client';
export { KafkaAdmin, type NewTopic, type CreatedTopic, type ConfigEntry, type ConfigSource, type TopicDescription } from './kafka-admin';
export { Producer, type ProducerOptions, type OutgoingRecord, type BatchAck } from './producer';
export type { FetchOptions, FetchPartitionRequest, FetchedPartition, ListedOffset, PartitionBatch, ProduceOptions, ProduceResult, ProducedPartition } from './partition-requests';
export { parseBootstrapServers, topicIdString, ZERO_TOPIC_ID, type BrokerNode, type ClusterMetadata, type PartitionMetadata, type TopicMetadata } from './metadata';
export { RecordBatchBuilder, buildRecordBatch, type RecordBatchOptions, type RecordHeader, type RecordInput } from './record-batch-builder';
export { readRecords, decodeRecords, batchesOf, recordsOfBatch, batchCrcValid, nextOffsetAfter, CorruptRecordError, type BatchView, type ConsumedRecord, type ReadRecordsOptions, type TimestampType } from './record-batch-reader';
export { compress, decompress, loadCompression, compressionCodecOf, compressionName, isCompressionLoaded } from './compression';
export { murmur2, toPositive, partitionForKey, StickyPartitioner } from './partitioner';
export { ConnectionError, brokerError, isRoutingError } from './errors';
export { AssignedConsumer, type AssignedConsumerOptions, type PolledPartition, type StartPosition } from './assigned-consumer';
export { PartitionFetcher, type FetchedRecords, type FetcherOptions, type ResetPolicy, type TopicPartition } from './partition-fetcher';
export { GroupConsumer, type GroupConsumerOptions, type RebalanceListener } from './group-consumer';
export { GroupMembership, type GroupProtocol, type JoinedMember, type MembershipOptions } from './group-membership';
export { CoordinatorClient, findCoordinator, type CoordinatorClientOptions } from './coordinator-client';
export { GroupAdmin, type DeleteGroupResult, type DeleteOffsetsResult, type GroupDescription, type GroupListing, type MemberDescription } from './group-admin';
export { SIMPLE_COMMIT, type CommitIdentity, type CommitResult, type CommittedOffset, type OffsetToCommit } from './group-offsets';
export { rangeAssignor, roundRobinAssignor, assignorsByName, BUILT_IN_ASSIGNORS, type GroupAssignment, type MemberSubscription, type PartitionAssignor } from './assignors';
