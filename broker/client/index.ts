/** The broker's network client: what the Connect runtime and the CLI tools import. */
export { BrokerConnection, VERSION_CAPS, type ConnectionOptions, type RequestOptions, type VersionRange } from './connection';
export { KafkaClient, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClientOptions, type TopicLookupOptions } from './kafka-client';
export { KafkaAdmin, type NewTopic, type CreatedTopic, type ConfigEntry, type ConfigSource, type TopicDescription } from './kafka-admin';
export { Producer, type ProducerOptions, type OutgoingRecord, type BatchAck } from './producer';
export type { FetchOptions, FetchPartitionRequest, FetchedPartition, ListedOffset, PartitionBatch, ProduceOptions, ProduceResult, ProducedPartition } from './partition-requests';
export { parseBootstrapServers, topicIdString, ZERO_TOPIC_ID, type BrokerNode, type ClusterMetadata, type PartitionMetadata, type TopicMetadata } from './metadata';
export { RecordBatchBuilder, buildRecordBatch, type RecordBatchOptions, type RecordHeader, type RecordInput } from './record-batch-builder';
export { readRecords, batchesOf, recordsOfBatch, batchCrcValid, nextOffsetAfter, CorruptRecordError, type BatchView, type ConsumedRecord, type ReadRecordsOptions, type TimestampType } from './record-batch-reader';
export { compress, decompress, loadCompression, compressionCodecOf, compressionName, isCompressionLoaded } from './compression';
export { murmur2, toPositive, partitionForKey, StickyPartitioner } from './partitioner';
export { ConnectionError, brokerError, isRoutingError } from './errors';
