/**
 * The group coordinator as the broker runs it: membership (GroupCoordinator), committed offsets
 * (GroupOffsets), their store (__consumer_offsets), the start-up load and the periodic offset expiry.
 */
import type { Logger } from 'pino';
import type { AppendNotifier } from '../handlers/append-notifier';
import type { LogManager } from '../log/log-manager';
import type { Properties } from '../config/properties';
import { parseCoordinatorConfig, type CoordinatorConfig } from './coordinator-config';
import { GroupCoordinator } from './group-coordinator';
import { loadGroups } from './group-loader';
import { GroupOffsets } from './group-offsets';
import { OffsetsTopic } from './offsets-topic';

export interface CoordinatorServiceOptions {
  props: Properties;
  logs: LogManager;
  appends: AppendNotifier;
  logger: Logger;
}

export class CoordinatorService {
  private expiryTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly config: CoordinatorConfig,
    readonly groups: GroupCoordinator,
    readonly offsets: GroupOffsets,
    private readonly logger: Logger,
  ) {}

  /** Reads the configuration and loads every group stored in __consumer_offsets. */
  static open(opts: CoordinatorServiceOptions): CoordinatorService {
    const started = Date.now();
    const config = parseCoordinatorConfig(opts.props);
    const store = new OffsetsTopic(opts.logs, opts.appends, config, opts.logger);
    const groups = new GroupCoordinator(config, store, opts.logger);
    const offsets = new GroupOffsets(groups, store, opts.logs, config, opts.logger);
    const loaded = loadGroups(store.replay(), Date.now());
    for (const group of loaded.groups) groups.restoreGroup(group);
    if (loaded.records > 0) {
      opts.logger.info({ groups: loaded.groups.length, records: loaded.records, loadMs: Date.now() - started }, 'loaded consumer groups');
    }
    return new CoordinatorService(config, groups, offsets, opts.logger);
  }

  /** Starts the periodic expiry of empty groups' offsets. */
  start(): void {
    if (this.expiryTimer) return;
    this.expiryTimer = setInterval(() => {
      this.offsets.expire(Date.now()).catch((err: unknown) => this.logger.error({ err }, 'offset expiry failed'));
    }, this.config.offsetsRetentionCheckIntervalMs).unref();
  }

  close(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    this.groups.close();
  }
}
