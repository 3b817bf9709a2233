/**
 * Owns every partition log under one log directory (the first entry of log.dirs): loads topics at
 * start-up, creates, deletes and alters them for the admin APIs, and runs the background retention,
 * log cleaner (compaction) and periodic-flush checks. Admin operations run one at a time so that a
 * create racing a delete of the same name cannot touch the other's directories.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { BackgroundCleaner } from './cleaner/background-cleaner';
import { parseCleanerSettings } from './cleaner/cleaner-settings';
import type { CleanStats } from './cleaner/log-cleaner';
import {
  applyConfigChanges,
  describeBrokerLogConfigs,
  describeLogConfigs,
  isNever,
  resolveLogConfig,
  validateTopicConfigs,
  type ConfigChange,
  type ConfigDescription,
  type LogConfig,
} from './log-config';
import { PartitionLog, type RecoveryReport } from './partition-log';
import {
  TOPICS_DIR,
  collisionKey,
  isInternalTopic,
  loadOrCreateMetaProperties,
  loadTopics,
  randomKafkaUuid,
  removeTopicFile,
  saveTopic,
  validateTopicName,
  type TopicMetadata,
} from './topic-store';

export type { TopicMetadata } from './topic-store';
export type { ConfigChange } from './log-config';
export type { CleanStats } from './cleaner/log-cleaner';

export interface LogManagerOptions {
  logDir: string;
  brokerProps: Record<string, string>;
  logger: Logger;
}


export interface CreateTopicOptions {
  name: string;
  partitions: number;
  configs: Record<string, string>;
  validateOnly?: boolean;
}

interface TopicEntry {
  meta: TopicMetadata;
  config: LogConfig;
  logs: PartitionLog[];
}

const CLEAN_SHUTDOWN_MARKER = '.clean-shutdown';
const DEFAULT_RETENTION_CHECK_MS = 300_000;
const PARTITION_DIR = /^(.+)-(\d+)$/;

export class LogManager {
  readonly logDir: string;
  readonly clusterId: string;
  readonly nodeId: number;
  /** What start-up recovery repaired, one report per affected partition. */
  readonly recoveryReports: RecoveryReport[] = [];
  /** Whether the previous run ended with close(). */
  lastShutdownClean = false;
  private readonly brokerProps: Record<string, string>;
  private readonly logger: Logger;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly background = new Set<Promise<void>>();
  private adminChain: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly cleaner: BackgroundCleaner;
  private closed = false;

  private constructor(opts: LogManagerOptions, meta: { clusterId: string; nodeId: number }) {
    this.logDir = opts.logDir;
    this.brokerProps = { ...opts.brokerProps };
    this.logger = opts.logger;
    this.clusterId = meta.clusterId;
    this.nodeId = meta.nodeId;
    this.cleaner = new BackgroundCleaner(parseCleanerSettings(this.brokerProps), () => this.allLogs(), this.logger);
  }

  static async open(opts: LogManagerOptions): Promise<LogManager> {
    parseCleanerSettings(opts.brokerProps); // fail fast on bad log.cleaner.* values
    await fs.promises.mkdir(opts.logDir, { recursive: true });
    const nodeId = Number(opts.brokerProps['node.id'] ?? opts.brokerProps['broker.id'] ?? '0');
    const manager = new LogManager(opts, await loadOrCreateMetaProperties(opts.logDir, nodeId));
    resolveLogConfig({ brokerProps: opts.brokerProps, topicOverrides: {} }); // fail fast on bad broker log.* values
    const marker = path.join(opts.logDir, CLEAN_SHUTDOWN_MARKER);
    manager.lastShutdownClean = fs.existsSync(marker);
    await fs.promises.rm(marker, { force: true });
    const topics = await loadTopics(opts.logDir, (file, err) => opts.logger.error({ file, err }, 'skipping unreadable topic metadata'));
    await Promise.all(topics.map((meta) => manager.openTopic(meta)));
    manager.sweepDirectory();
    return manager;
  }

  listTopics(): TopicMetadata[] {
    return [...this.topics.values()].map((entry) => copyMeta(entry.meta));
  }

  getTopic(name: string): TopicMetadata | undefined {
    const entry = this.topics.get(name);
    return entry ? copyMeta(entry.meta) : undefined;
  }

  getTopicById(topicId: Buffer): TopicMetadata | undefined {
    for (const entry of this.topics.values()) if (entry.meta.topicId.equals(topicId)) return copyMeta(entry.meta);
    return undefined;
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[index];
  }

  /** The topic defaults this broker applies (its log.* properties over Kafka's defaults). */
  brokerLogConfig(): LogConfig {
    return resolveLogConfig({ brokerProps: this.brokerProps, topicOverrides: {} });
  }

  /** Every topic config with value and source, for DescribeConfigs. */
  describeTopicConfigs(name: string): ConfigDescription[] {
    const entry = this.requireTopic(name);
    return describeLogConfigs({ brokerProps: this.brokerProps, topicOverrides: entry.meta.configs });
  }

  /** The broker-level log.* settings behind the topic defaults, for a broker DescribeConfigs. */
  describeBrokerLogConfigs(): ConfigDescription[] {
    return describeBrokerLogConfigs(this.brokerProps);
  }

  createTopic(opts: CreateTopicOptions): Promise<TopicMetadata> {
    return this.serialized(async () => {
      const { name, partitions } = opts;
      validateTopicName(name);
      if (this.topics.has(name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      const key = collisionKey(name);
      for (const other of this.topics.keys()) {
        if (collisionKey(other) === key) {
          throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${other}`);
        }
      }
      if (!Number.isInteger(partitions) || partitions < 1) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0, got ${partitions}.`);
      }
      const configs = { ...opts.configs };
      validateTopicConfigs(configs);
      resolveLogConfig({ brokerProps: this.brokerProps, topicOverrides: configs });
      const meta: TopicMetadata = { name, topicId: randomKafkaUuid(), partitions, configs, internal: isInternalTopic(name) };
      if (opts.validateOnly) return { ...copyMeta(meta), topicId: Buffer.alloc(16) };
      this.ensureOpen();
      // Metadata first: after a crash the topic exists and its partitions are created at start-up.
      await saveTopic(this.logDir, meta);
      for (let p = 0; p < partitions; p++) this.clearStaleDirectory(name, p);
      await this.openTopic(meta);
      this.rescheduleFlush();
      return copyMeta(meta);
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.serialized(async () => {
      const entry = this.requireTopic(name);
      this.topics.delete(name);
      await removeTopicFile(this.logDir, name);
      // PartitionLog.delete renames the directory before its first await, so a later create is clean.
      for (const log of entry.logs) this.track(log.delete(), `deleting ${log.path}`);
      this.rescheduleFlush();
    });
  }

  /** CreatePartitions: raises the partition count to `totalCount`. */
  createPartitions(name: string, totalCount: number, validateOnly = false): Promise<TopicMetadata> {
    return this.serialized(async () => {
      const entry = this.requireTopic(name);
      const current = entry.meta.partitions;
      if (!Number.isInteger(totalCount) || totalCount < current) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`);
      }
      if (totalCount === current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
      const meta = { ...entry.meta, partitions: totalCount };
      if (validateOnly) return copyMeta(meta);
      await saveTopic(this.logDir, meta);
      for (let p = current; p < totalCount; p++) this.clearStaleDirectory(name, p);
      const added = await Promise.all(
        Array.from({ length: totalCount - current }, (_, i) => this.openPartition(meta.name, current + i, entry.config)),
      );
      entry.logs.push(...added);
      entry.meta = meta;
      return copyMeta(meta);
    });
  }

  /**
   * AlterConfigs (replaceAll: the set entries become the whole override set) and
   * IncrementalAlterConfigs (set/delete per key, append/subtract for LIST configs). The new
   * configuration applies to the open partitions at once.
   */
  alterTopicConfigs(name: string, changes: ConfigChange[], opts: { replaceAll: boolean; validateOnly?: boolean }): Promise<TopicMetadata> {
    return this.serialized(async () => {
      const entry = this.requireTopic(name);
      const configs = applyConfigChanges({ brokerProps: this.brokerProps, topicOverrides: entry.meta.configs }, changes, opts.replaceAll);
      validateTopicConfigs(configs);
      const config = resolveLogConfig({ brokerProps: this.brokerProps, topicOverrides: configs });
      const meta = { ...entry.meta, configs };
      if (opts.validateOnly) return copyMeta(meta);
      await saveTopic(this.logDir, meta);
      entry.meta = meta;
      entry.config = config;
      for (const log of entry.logs) log.updateConfig(config);
      this.rescheduleFlush();
      return copyMeta(meta);
    });
  }

  /**
   * Starts the retention check, the log cleaner (every log.cleaner.backoff.ms unless
   * log.cleaner.enable=false) and, when some topic has a finite flush.ms, the periodic flush check.
   */
  start(): void {
    if (this.closed || this.retentionTimer) return;
    const interval = positiveInt(this.brokerProps['log.retention.check.interval.ms']) ?? DEFAULT_RETENTION_CHECK_MS;
    this.retentionTimer = setInterval(() => this.applyRetention(Date.now()), interval);
    this.retentionTimer.unref();
    this.cleaner.start();
    this.rescheduleFlush();
  }

  /**
   * Cleans every compacted partition that needs it (see cleaner/cleanable-range.ts), dirtiest
   * first, one at a time; logs and returns what each cleaning did. `now` (default: the clock at each
   * partition) is the time the retention rules are judged against. Runs one at a time.
   */
  cleanLogs(now?: number): Promise<CleanStats[]> {
    return this.cleaner.cleanLogs(now);
  }

  /** Runs retention over every partition now; returns the number of segments deleted. */
  applyRetention(now: number): number {
    let deleted = 0;
    for (const log of this.allLogs()) {
      try {
        deleted += log.applyRetention(now).deletedSegments;
      } catch (err) {
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'retention check failed');
      }
    }
    return deleted;
  }

  /** Flushes the partitions whose flush.ms has elapsed since their last flush. */
  flushDue(now: number): void {
    for (const log of this.allLogs()) {
      const flushMs = log.config.flushMs;
      if (isNever(flushMs) || flushMs <= 0 || !log.hasUnflushedData || now - log.lastFlushMs < flushMs) continue;
      log.flush().catch((err: unknown) => this.logger.error({ err, topic: log.topic, partition: log.partition }, 'periodic flush failed'));
    }
  }

  /** Stops the background tasks, closes every partition cleanly and marks the shutdown clean. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.retentionTimer = this.flushTimer = null;
    // A cleaning in progress gives up at its next pause and removes its unfinished files.
    await this.cleaner.stop();
    await this.adminChain.catch(() => undefined);
    await Promise.all([...this.allLogs()].map((log) => log.close()));
    await Promise.all([...this.background]);
    await fs.promises.writeFile(path.join(this.logDir, CLEAN_SHUTDOWN_MARKER), `${new Date().toISOString()}\n`);
  }

  private *allLogs(): Generator<PartitionLog> {
    for (const entry of this.topics.values()) yield* entry.logs;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.adminChain.then(() => {
      this.ensureOpen();
      return fn();
    });
    this.adminChain = run.catch(() => undefined);
    return run;
  }

  private ensureOpen(): void {
    if (this.closed) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, 'the log manager is closed');
  }

  private requireTopic(name: string): TopicEntry {
    const entry = this.topics.get(name);
    if (!entry) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    return entry;
  }

  private async openTopic(meta: TopicMetadata): Promise<void> {
    const config = this.resolveStored(meta);
    const logs = await Promise.all(Array.from({ length: meta.partitions }, (_, p) => this.openPartition(meta.name, p, config)));
    this.topics.set(meta.name, { meta, config, logs });
  }

  private async openPartition(topic: string, partition: number, config: LogConfig): Promise<PartitionLog> {
    const log = await PartitionLog.open({ dir: this.logDir, topic, partition, config, logger: this.logger });
    if (log.recoveryReport) this.recoveryReports.push(log.recoveryReport);
    return log;
  }

  /** Stored overrides that no longer validate are dropped with an error rather than blocking start-up. */
  private resolveStored(meta: TopicMetadata): LogConfig {
    try {
      return resolveLogConfig({ brokerProps: this.brokerProps, topicOverrides: meta.configs });
    } catch {
      for (const [name, value] of Object.entries(meta.configs)) {
        try {
          validateTopicConfigs({ [name]: value });
        } catch (err) {
          this.logger.error({ topic: meta.name, config: name, value, err }, 'ignoring invalid stored topic config');
          delete meta.configs[name];
        }
      }
      return resolveLogConfig({ brokerProps: this.brokerProps, topicOverrides: meta.configs });
    }
  }

  /** A partition directory left by a crash in the middle of a delete must not leak into a new topic. */
  private clearStaleDirectory(topic: string, partition: number): void {
    const dir = path.join(this.logDir, `${topic}-${partition}`);
    if (!fs.existsSync(dir)) return;
    const doomed = `${dir}.stale-${Date.now()}-delete`;
    fs.renameSync(dir, doomed);
    this.track(fs.promises.rm(doomed, { recursive: true, force: true }), `removing ${doomed}`);
  }

  /** At start-up: removes leftovers of deletions and reports directories that belong to no topic. */
  private sweepDirectory(): void {
    for (const name of fs.readdirSync(this.logDir)) {
      const full = path.join(this.logDir, name);
      if (name.endsWith('-delete')) {
        this.track(fs.promises.rm(full, { recursive: true, force: true }), `removing ${full}`);
        continue;
      }
      const m = PARTITION_DIR.exec(name);
      if (!m || name === TOPICS_DIR || !fs.statSync(full).isDirectory()) continue;
      const topic = this.topics.get(m[1] as string);
      if (!topic || Number(m[2]) >= topic.meta.partitions) {
        this.logger.warn({ dir: full }, 'partition directory belongs to no known topic; leaving it untouched');
      }
    }
  }

  private track(work: Promise<void>, what: string): void {
    const tracked = work.catch((err: unknown) => this.logger.error({ err }, `background task failed: ${what}`));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  /**
   * The periodic flush check runs every log.flush.scheduler.interval.ms when set, else at the
   * smallest finite flush.ms in use (at most every second, at least every 10 ms); not at all when
   * no topic flushes by time.
   */
  private rescheduleFlush(): void {
    if (this.closed || !this.retentionTimer) return;
    let smallest = Infinity;
    for (const log of this.allLogs()) {
      const ms = log.config.flushMs;
      if (!isNever(ms) && ms > 0) smallest = Math.min(smallest, ms);
    }
    const explicit = positiveInt(this.brokerProps['log.flush.scheduler.interval.ms']);
    const interval = smallest === Infinity ? null : explicit !== null && !isNever(explicit) ? explicit : Math.min(1000, Math.max(10, smallest));
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    if (interval === null) return;
    this.flushTimer = setInterval(() => this.flushDue(Date.now()), interval);
    this.flushTimer.unref();
  }
}

function copyMeta(meta: TopicMetadata): TopicMetadata {
  return { ...meta, configs: { ...meta.configs } };
}

function positiveInt(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n > 0 ? n : null;
}
