/**
 * The standalone herder: one worker owns every connector. It validates configs, persists them (and
 * their target state) in the config store, starts connectors and their tasks on the worker, keeps
 * the statuses and active topics the worker reports, and answers the REST API. Calls that change a
 * connector are serialised so that two requests never start or stop the same connector at once.
 */
import type { Logger } from 'pino';
import { AlreadyExistsError, NotFoundError, ConnectError, ConnectErrorCode } from '../api';
import type { PluginRegistry } from '../plugins';
import type { ConfigStore } from '../storage/config-store';
import type { OffsetStore } from '../storage/offset-store';
import { traceOf } from '../worker/task-status';
import type { Worker, WorkerListener } from '../worker/worker';
import { listConnectorOffsets, modifyConnectorOffsets, type ConnectorOffsetsDeps } from './connector-offsets';
import { checkValidateRequest, hidePasswords, pluginConfigKeys, requireValidConfig, validateConnectorConfig } from './connector-validation';
import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorInfo,
  ConnectorOffset,
  ConnectorStateInfo,
  ConnectorType,
  HealthInfo,
  Herder,
  InitialState,
  InstanceStatus,
  LoggerLevel,
  PluginInfo,
  RestartRequest,
  ServerInfo,
  TargetState,
  TaskInfo,
  TaskStatus,
  TopicTrackingSettings,
} from './herder';
import { TaskAutoRestart, autoRestartSettings } from './task-auto-restart';
import { WorkerLoggers } from './worker-loggers';

export interface StandaloneHerderOptions {
  worker: Worker;
  registry: PluginRegistry;
  configStore: ConfigStore;
  offsets: OffsetStore;
  /** `host:port` of this worker's REST URL; a function when the port is known only after binding. */
  workerId: string | (() => string);
  clusterId: string;
  version: string;
  logger: Logger;
}

interface ConnectorState {
  config: Record<string, string>;
  targetState: TargetState;
  type: ConnectorType;
  taskConfigs: Record<string, string>[];
  status: InstanceStatus;
  tasks: Map<number, TaskStatus>;
}

const TARGET_OF: Record<InitialState, TargetState> = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' };

export class StandaloneHerder implements Herder, WorkerListener {
  private readonly states = new Map<string, ConnectorState>();
  /** KIP-558 active topics by connector: kept across restarts, cleared by a reset and on deletion. */
  private readonly activeTopics = new Map<string, Set<string>>();
  private readonly loggerLevels: WorkerLoggers;
  private readonly autoRestart: TaskAutoRestart;
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(private readonly opts: StandaloneHerderOptions) {
    this.loggerLevels = new WorkerLoggers(opts.logger);
    this.autoRestart = new TaskAutoRestart({ restart: (name, task) => this.restartFailedTask(name, task), logger: opts.logger });
  }

  private get workerId(): string {
    const id = this.opts.workerId;
    return typeof id === 'function' ? id() : id;
  }

  /** Starts every stored connector (a connector that fails to start is FAILED, not fatal). */
  async start(): Promise<void> {
    for (const stored of this.opts.configStore.list()) {
      await this.serialized(() => this.launch(stored.name, stored.config, stored.targetState));
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.autoRestart.close();
    await this.serialized(() => this.opts.worker.stop());
  }

  // ---- WorkerListener ---------------------------------------------------------------------------

  onConnectorRunning(connector: string): void {
    const state = this.states.get(connector);
    if (state) state.status = this.instance(state.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING');
  }

  onConnectorFailure(connector: string, error: Error): void {
    const state = this.states.get(connector);
    if (state) state.status = { ...this.instance('FAILED'), trace: traceOf(error) };
  }

  onRunning(taskId: string): void {
    const task = this.setTask(taskId, { state: 'RUNNING' });
    if (task) this.autoRestart.onRunning(task.connector, task.id);
  }

  onPaused(taskId: string): void {
    this.setTask(taskId, { state: 'PAUSED' });
  }

  onFailure(taskId: string, error: Error): void {
    const task = this.setTask(taskId, { state: 'FAILED', trace: traceOf(error) });
    if (task) this.autoRestart.onFailure(task.connector, task.id, autoRestartSettings(task.state.config));
  }

  onShutdown(taskId: string): void {
    this.setTask(taskId, { state: 'UNASSIGNED' });
  }

  onTopicActive(connector: string, topic: string): void {
    if (!this.states.has(connector)) return;
    let topics = this.activeTopics.get(connector);
    if (!topics) this.activeTopics.set(connector, (topics = new Set()));
    topics.add(topic);
  }

  // ---- Herder: reads ----------------------------------------------------------------------------

  serverInfo(): ServerInfo {
    return { version: this.opts.version, commit: 'unknown', kafka_cluster_id: this.opts.clusterId };
  }

  health(): HealthInfo {
    return this.started
      ? { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }
      : { status: 'starting', message: 'Worker is still starting up.' };
  }

  connectors(): string[] {
    return [...this.states.keys()].sort();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const state = this.require(name);
    return { name, config: this.redacted(state.config, state.config), tasks: state.taskConfigs.map((_, task) => ({ connector: name, task })), type: state.type };
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    const { config } = this.require(name);
    return this.redacted(config, config);
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const state = this.states.get(name);
    if (!state) throw new NotFoundError(`No status found for connector ${name}`);
    const tasks = [...state.tasks.values()].sort((a, b) => a.id - b.id);
    return { name, connector: state.status, tasks: state.targetState === 'STOPPED' ? [] : tasks, type: state.type };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const state = this.require(name);
    return state.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: this.redacted(config, state.config) }));
  }

  taskStatus(name: string, task: number): TaskStatus {
    const status = this.states.get(name)?.tasks.get(task);
    if (!status) throw new NotFoundError(`No status found for task ${name}-${task}`);
    return status;
  }

  // ---- Herder: changes --------------------------------------------------------------------------

  putConnectorConfig(name: string, config: Record<string, string>, opts: { allowReplace: boolean; initialState?: InitialState }): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serialized(async () => {
      // Kafka validates first: an invalid config is a 400 even when the name is taken.
      await requireValidConfig(this.opts.registry, config, this.opts.worker.config.connectorClientConfigOverridePolicy);
      const existing = this.states.get(name);
      if (existing && !opts.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
      const targetState = existing?.targetState ?? TARGET_OF[opts.initialState ?? 'RUNNING'];
      await this.opts.configStore.put({ name, config, targetState });
      if (existing) await this.halt(name);
      await this.launch(name, config, targetState);
      return { created: !existing, info: await this.connectorInfo(name) };
    });
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const current = { ...this.require(name).config };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete current[k];
      else current[k] = v;
    }
    return (await this.putConnectorConfig(name, current, { allowReplace: true })).info;
  }

  deleteConnector(name: string): Promise<void> {
    return this.serialized(async () => {
      this.require(name);
      await this.halt(name);
      this.states.delete(name);
      this.activeTopics.delete(name);
      this.opts.worker.forgetMetrics(name);
      await this.opts.configStore.remove(name);
    });
  }

  pauseConnector(name: string): Promise<void> {
    return this.changeTargetState(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.changeTargetState(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    return this.changeTargetState(name, 'STOPPED');
  }

  restartConnector(name: string, req: RestartRequest): Promise<ConnectorStateInfo | null> {
    return this.serialized(async () => {
      if (!req.includeTasks && !req.onlyFailed) {
        this.require(name);
        await this.restartConnectorInstance(name);
        return null;
      }
      const state = this.require(name, `Unknown connector: ${name}`);
      const restartConnector = !req.onlyFailed || state.status.state === 'FAILED';
      const tasks = req.includeTasks ? [...state.tasks.values()].filter((t) => !req.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
      const shown = this.connectorStatus(name);
      if (restartConnector) shown.connector = { ...shown.connector, state: 'RESTARTING' };
      shown.tasks = shown.tasks.map((t) => (tasks.includes(t.id) ? { ...t, state: 'RESTARTING' } : t));
      // A connector restart that changed the task configs has already restarted every task.
      const tasksRelaunched = restartConnector && (await this.restartConnectorInstance(name));
      if (!tasksRelaunched) {
        for (const id of tasks) await this.restartOneTask(name, id);
      }
      return shown;
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.serialized(async () => {
      const state = this.require(name);
      if (!state.taskConfigs[task]) throw new NotFoundError(`Task ${name}-${task} not found`);
      await this.restartOneTask(name, task);
    });
  }

  topicTracking(): TopicTrackingSettings {
    const config = this.opts.worker.config;
    return { enabled: config.topicTrackingEnable, allowReset: config.topicTrackingAllowReset };
  }

  connectorTopics(name: string): string[] {
    this.require(name);
    return [...(this.activeTopics.get(name) ?? [])].sort();
  }

  resetConnectorTopics(name: string): void {
    this.require(name);
    this.activeTopics.delete(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    return listConnectorOffsets(this.offsetsDeps(), name, this.require(name).type);
  }

  alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<string> {
    return this.serialized(() => modifyConnectorOffsets(this.offsetsDeps(), name, this.requireStopped(name).config, offsets));
  }

  resetConnectorOffsets(name: string): Promise<string> {
    return this.serialized(() => modifyConnectorOffsets(this.offsetsDeps(), name, this.requireStopped(name).config, null));
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return this.opts.registry.list(connectorsOnly ? 'connector' : undefined) as PluginInfo[];
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] {
    return pluginConfigKeys(this.opts.registry, plugin);
  }

  async validateConnectorConfig(config: Record<string, string>, pluginFromPath?: string): Promise<ConfigInfos> {
    checkValidateRequest(config, pluginFromPath);
    return validateConnectorConfig(this.opts.registry, config, this.opts.worker.config.connectorClientConfigOverridePolicy);
  }

  loggers(): Record<string, LoggerLevel> {
    return this.loggerLevels.all();
  }

  logger(name: string): LoggerLevel {
    return this.loggerLevels.level(name);
  }

  setLoggerLevel(name: string, level: string): string[] {
    return this.loggerLevels.set(name, level);
  }

  /** In standalone mode this worker is the whole cluster. */
  setClusterLoggerLevel(name: string, level: string): void {
    this.loggerLevels.set(name, level);
  }

  metrics(): string {
    const tasksByState: { connector: string; state: string; count: number }[] = [];
    for (const [name, state] of this.states) {
      const counts = new Map<string, number>();
      for (const t of state.tasks.values()) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
      for (const [s, count] of counts) tasksByState.push({ connector: name, state: s, count });
    }
    return this.opts.worker.renderMetrics(tasksByState);
  }

  // ---- internals --------------------------------------------------------------------------------

  private instance(state: InstanceStatus['state']): InstanceStatus {
    return { state, worker_id: this.workerId };
  }

  /** Starts the connector (unless STOPPED) and, once it runs, its tasks (paused when PAUSED). */
  private async launch(name: string, config: Record<string, string>, targetState: TargetState): Promise<void> {
    const lookup = this.opts.registry.lookup(config['connector.class'] ?? '', 'connector');
    const type: ConnectorType = lookup.status === 'found' ? (lookup.desc.type as ConnectorType) : 'unknown';
    const state: ConnectorState = { config, targetState, type, taskConfigs: [], status: this.instance('UNASSIGNED'), tasks: new Map() };
    this.states.set(name, state);
    if (targetState === 'STOPPED') {
      state.status = this.instance('STOPPED');
      return;
    }
    if (!(await this.opts.worker.startConnector(name, config))) return;
    await this.startTasks(name, state);
  }

  /** Asks the running connector for its task configs and starts one task per config. */
  private async startTasks(name: string, state: ConnectorState): Promise<void> {
    const { worker } = this.opts;
    try {
      state.taskConfigs = await worker.taskConfigs(name, state.config);
    } catch (err) {
      this.onConnectorFailure(name, err as Error);
      return;
    }
    for (let i = 0; i < state.taskConfigs.length; i++) {
      state.tasks.set(i, { id: i, ...this.instance('UNASSIGNED') });
      await worker.startTask(`${name}-${i}`, name, state.config, state.taskConfigs[i] as Record<string, string>, state.targetState === 'PAUSED');
    }
  }

  /**
   * Kafka's restartConnector: restarts the connector instance only; its tasks are restarted just when the
   * connector now generates other task configs. Returns whether the tasks were restarted.
   */
  private async restartConnectorInstance(name: string): Promise<boolean> {
    const state = this.require(name);
    if (state.targetState === 'STOPPED') return false;
    const { worker } = this.opts;
    await worker.stopConnector(name);
    state.status = this.instance('UNASSIGNED');
    if (!(await worker.startConnector(name, state.config))) return false;
    let configs: Record<string, string>[];
    try {
      configs = await worker.taskConfigs(name, state.config);
    } catch (err) {
      this.onConnectorFailure(name, err as Error);
      return false;
    }
    if (state.tasks.size === configs.length && JSON.stringify(configs) === JSON.stringify(state.taskConfigs)) return false;
    await worker.stopTasks(worker.taskIdsOf(name));
    state.tasks.clear();
    await this.startTasks(name, state);
    return true;
  }

  /** Stops the connector's tasks and the connector on the worker. */
  private async halt(name: string): Promise<void> {
    const { worker } = this.opts;
    this.autoRestart.cancel(name);
    await worker.stopTasks(worker.taskIdsOf(name));
    await worker.stopConnector(name);
  }

  private async restartOneTask(name: string, task: number): Promise<void> {
    const state = this.require(name);
    const taskId = `${name}-${task}`;
    await this.opts.worker.stopTasks([taskId]);
    state.tasks.set(task, { id: task, ...this.instance('UNASSIGNED') });
    await this.opts.worker.startTask(taskId, name, state.config, state.taskConfigs[task] as Record<string, string>, state.targetState === 'PAUSED');
  }

  private changeTargetState(name: string, target: TargetState): Promise<void> {
    return this.serialized(async () => {
      const state = this.require(name, `Unknown connector ${name}`);
      if (state.targetState === target) return;
      const from = state.targetState;
      await this.opts.configStore.put({ name, config: state.config, targetState: target });
      state.targetState = target;
      if (target === 'STOPPED') {
        await this.halt(name);
        state.taskConfigs = [];
        state.tasks.clear();
        state.status = this.instance('STOPPED');
      } else if (from === 'STOPPED') {
        await this.launch(name, state.config, target);
      } else {
        this.opts.worker.setPaused(name, target === 'PAUSED');
        if (state.status.state !== 'FAILED') state.status = this.instance(target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      }
    });
  }

  /** Records a task's new state; returns which task it was, or null for a task no longer known. */
  private setTask(taskId: string, change: { state: TaskStatus['state']; trace?: string }): { connector: string; id: number; state: ConnectorState } | null {
    const dash = taskId.lastIndexOf('-');
    const connector = taskId.slice(0, dash);
    const state = this.states.get(connector);
    const id = Number(taskId.slice(dash + 1));
    if (!state || !state.tasks.has(id)) return null;
    const status: TaskStatus = { id, ...this.instance(change.state) };
    if (change.trace !== undefined) status.trace = change.trace;
    state.tasks.set(id, status);
    return { connector, id, state };
  }

  /** The auto-restart timer fired: restart the task if it is still FAILED (nobody restarted or removed it meanwhile). */
  private restartFailedTask(name: string, task: number): Promise<void> {
    return this.serialized(async () => {
      const state = this.states.get(name);
      if (!state || state.targetState === 'STOPPED' || state.tasks.get(task)?.state !== 'FAILED') return;
      await this.restartOneTask(name, task);
    });
  }

  /** The connector's state, or a 404 (Kafka words it differently in places, hence `notFound`). */
  private require(name: string, notFound = `Connector ${name} not found`): ConnectorState {
    const state = this.states.get(name);
    if (!state) throw new NotFoundError(notFound);
    return state;
  }

  private requireStopped(name: string): ConnectorState {
    const state = this.require(name);
    if (state.targetState !== 'STOPPED') {
      throw new ConnectError(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
        { code: ConnectErrorCode.BAD_REQUEST },
      );
    }
    return state;
  }

  private offsetsDeps(): ConnectorOffsetsDeps {
    return { worker: this.opts.worker, registry: this.opts.registry, offsets: this.opts.offsets };
  }

  /** A connector or task config as shown over REST: PASSWORD values of the connector's spec hidden. */
  private redacted(config: Record<string, string>, connectorConfig: Record<string, string>): Record<string, string> {
    return hidePasswords(this.opts.registry, connectorConfig['connector.class'] ?? '', config);
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
