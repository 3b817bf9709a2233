/**
 * The standalone herder: one worker owns every connector. It validates configs, persists them (and
 * their target state) in the config store, starts connectors and their tasks on the worker, keeps
 * the statuses the worker reports, and answers the REST API. Calls that change a connector are
 * serialised so that two requests never start or stop the same connector at once.
 */
import type { Logger } from 'pino';
import {
  AlreadyExistsError,
  ConnectError,
  ConnectErrorCode,
  NotFoundError,
  configKeyInfos,
  configInfos as buildConfigInfos,
  mergeConfigInfos,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  validateToConfigInfos,
  type ConfigInfos as ApiConfigInfos,
} from '../api';
import type { PluginRegistry } from '../plugins';
import type { ConfigStore } from '../storage/config-store';
import type { OffsetStore } from '../storage/offset-store';
import { traceOf } from '../worker/task-status';
import type { Worker, WorkerListener } from '../worker/worker';
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
} from './herder';

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
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(private readonly opts: StandaloneHerderOptions) {}

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
    await this.serialized(() => this.opts.worker.stop());
  }

  // ---- WorkerListener ---------------------------------------------------------------------------

  onConnectorRunning(connector: string): void {
    const state = this.states.get(connector);
    if (state) state.status = { state: state.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING', worker_id: this.workerId };
  }

  onConnectorFailure(connector: string, error: Error): void {
    const state = this.states.get(connector);
    if (state) state.status = { state: 'FAILED', worker_id: this.workerId, trace: traceOf(error) };
  }

  onRunning(taskId: string): void {
    this.setTask(taskId, { state: 'RUNNING' });
  }

  onPaused(taskId: string): void {
    this.setTask(taskId, { state: 'PAUSED' });
  }

  onFailure(taskId: string, error: Error): void {
    this.setTask(taskId, { state: 'FAILED', trace: traceOf(error) });
  }

  onShutdown(taskId: string): void {
    this.setTask(taskId, { state: 'UNASSIGNED' });
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
    return { name, config: this.redacted(state.config), tasks: state.taskConfigs.map((_, task) => ({ connector: name, task })), type: state.type };
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return this.redacted(this.require(name).config);
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const state = this.states.get(name);
    if (!state) throw new NotFoundError(`No status found for connector ${name}`);
    const tasks = [...state.tasks.values()].sort((a, b) => a.id - b.id);
    return { name, connector: state.status, tasks: state.targetState === 'STOPPED' ? [] : tasks, type: state.type };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const state = this.require(name);
    return state.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: this.redacted(config) }));
  }

  taskStatus(name: string, task: number): TaskStatus {
    const status = this.states.get(name)?.tasks.get(task);
    if (!status) throw new NotFoundError(`No status found for task ${name}-${task}`);
    return status;
  }

  // ---- Herder: changes --------------------------------------------------------------------------

  putConnectorConfig(name: string, config: Record<string, string>, opts: { allowReplace: boolean; initialState?: InitialState }): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serialized(async () => {
      const existing = this.states.get(name);
      if (existing && !opts.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
      await this.requireValid(config);
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
      const state = this.require(name);
      const restartConnector = !req.onlyFailed || state.status.state === 'FAILED';
      const tasks = req.includeTasks ? [...state.tasks.values()].filter((t) => !req.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
      if (!req.includeTasks && !req.onlyFailed) {
        await this.halt(name);
        await this.launch(name, state.config, state.targetState);
        return null;
      }
      const shown = this.connectorStatus(name);
      if (restartConnector) shown.connector = { ...shown.connector, state: 'RESTARTING' };
      shown.tasks = shown.tasks.map((t) => (tasks.includes(t.id) ? { ...t, state: 'RESTARTING' } : t));
      if (restartConnector) {
        await this.halt(name);
        await this.launch(name, state.config, state.targetState);
      } else {
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

  connectorTopics(name: string): string[] {
    this.require(name);
    throw new ConnectError('Topic tracking is disabled.', { code: ConnectErrorCode.BAD_REQUEST });
  }

  resetConnectorTopics(name: string): void {
    this.connectorTopics(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    this.require(name);
    return (await this.opts.offsets.list(name)).map((o) => ({ partition: o.partition, offset: o.offset }));
  }

  alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<string> {
    return this.serialized(async () => {
      this.requireStopped(name);
      await this.opts.offsets.set(name, offsets.map((o) => ({ partition: o.partition, offset: o.offset })));
      return 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';
    });
  }

  resetConnectorOffsets(name: string): Promise<string> {
    return this.serialized(async () => {
      this.requireStopped(name);
      const stored = await this.opts.offsets.list(name);
      await this.opts.offsets.set(name, stored.map((o) => ({ partition: o.partition, offset: null })));
      return 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';
    });
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return this.opts.registry.list(connectorsOnly ? 'connector' : undefined) as PluginInfo[];
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] {
    const lookup = this.opts.registry.lookup(plugin);
    if (lookup.status !== 'found') throw new NotFoundError(`Unknown plugin ${plugin}.`);
    const desc = lookup.desc;
    const instance = new desc.ctor() as { config(): Parameters<typeof configKeyInfos>[0] };
    const own = configKeyInfos(instance.config());
    if (desc.type === 'source' || desc.type === 'sink') {
      const framework = desc.type === 'sink' ? sinkConnectorConfigDef() : sourceConnectorConfigDef();
      return [...own, ...configKeyInfos(framework)] as unknown as ConfigKeyInfo[];
    }
    return own as unknown as ConfigKeyInfo[];
  }

  async validateConnectorConfig(config: Record<string, string>, pluginFromPath?: string): Promise<ConfigInfos> {
    const className = config['connector.class'];
    if (className === undefined || className.trim() === '') {
      throw new ConnectError(`Connector config ${JSON.stringify(config)} contains no connector type`, { code: ConnectErrorCode.BAD_REQUEST });
    }
    if (pluginFromPath !== undefined) {
      const strip = (s: string): string => s.replace(/Connector$/, '');
      const simple = className.split(/[.$]/).pop() ?? className;
      if (!className.endsWith(pluginFromPath) && strip(simple) !== strip(pluginFromPath.split(/[.$]/).pop() ?? pluginFromPath)) {
        throw new ConnectError(`Included connector type ${className} does not match request type ${pluginFromPath}`, { code: ConnectErrorCode.BAD_REQUEST });
      }
    }
    return (await this.validate(config)) as unknown as ConfigInfos;
  }

  loggers(): Record<string, LoggerLevel> {
    return { root: { level: this.opts.logger.level.toUpperCase(), last_modified: this.levelChangedAt } };
  }

  logger(name: string): LoggerLevel {
    if (name !== 'root') throw new NotFoundError(`Logger ${name} not found.`);
    return this.loggers()['root'] as LoggerLevel;
  }

  setLoggerLevel(name: string, level: string): string[] {
    const pinoLevel = level.toLowerCase() === 'warning' ? 'warn' : level.toLowerCase();
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(pinoLevel)) throw new NotFoundError(`invalid log level '${level}'.`);
    if (name !== 'root') throw new NotFoundError(`Logger ${name} not found: only the root logger can be set`);
    this.opts.logger.level = pinoLevel;
    this.levelChangedAt = Date.now();
    return ['root'];
  }

  metrics(): string {
    const lines = ['# HELP sluice_connector_tasks Tasks of each connector by state.', '# TYPE sluice_connector_tasks gauge'];
    for (const [name, state] of this.states) {
      const counts = new Map<string, number>();
      for (const t of state.tasks.values()) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
      for (const [s, n] of counts) lines.push(`sluice_connector_tasks{connector="${name}",state="${s}"} ${n}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private levelChangedAt: number | null = null;

  // ---- internals --------------------------------------------------------------------------------

  /** Validation as Kafka Connect answers it: framework keys (source or sink) and the connector's own. */
  private async validate(config: Record<string, string>): Promise<ApiConfigInfos> {
    const className = config['connector.class'] ?? '';
    const lookup = this.opts.registry.lookup(className, 'connector');
    if (lookup.status !== 'found') {
      const framework = validateToConfigInfos(className, sourceConnectorConfigDef(), config);
      const failed = framework.configs.find((c) => c.value?.name === 'connector.class');
      if (failed?.value) failed.value.errors.push(`Failed to find any class that implements Connector and which name matches ${className}`);
      return { ...framework, error_count: framework.error_count + 1 };
    }
    const isSink = lookup.desc.type === 'sink';
    const framework = validateToConfigInfos(className, isSink ? sinkConnectorConfigDef() : sourceConnectorConfigDef(), config);
    const connector = this.opts.registry.newConnector(className);
    const def = connector.config();
    const own = buildConfigInfos(className, def, await connector.validate(config));
    return mergeConfigInfos(className, framework, own);
  }

  private async requireValid(config: Record<string, string>): Promise<void> {
    const result = await this.validate(config);
    if (result.error_count === 0) return;
    const messages = result.configs.flatMap((c) => (c.value ? c.value.errors.map((e) => `${c.value?.name}: ${e}`) : []));
    throw new ConnectError(
      `Connector configuration is invalid and contains the following ${messages.length} error(s):\n${messages.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
      { code: ConnectErrorCode.CONFIG_INVALID },
    );
  }

  /** Starts the connector (unless STOPPED) and, once it runs, its tasks (paused when PAUSED). */
  private async launch(name: string, config: Record<string, string>, targetState: TargetState): Promise<void> {
    const lookup = this.opts.registry.lookup(config['connector.class'] ?? '', 'connector');
    const type: ConnectorType = lookup.status === 'found' ? (lookup.desc.type as ConnectorType) : 'unknown';
    const state: ConnectorState = { config, targetState, type, taskConfigs: [], status: { state: 'UNASSIGNED', worker_id: this.workerId }, tasks: new Map() };
    this.states.set(name, state);
    if (targetState === 'STOPPED') {
      state.status = { state: 'STOPPED', worker_id: this.workerId };
      return;
    }
    const { worker } = this.opts;
    if (!(await worker.startConnector(name, config))) return;
    try {
      state.taskConfigs = await worker.taskConfigs(name, config);
    } catch (err) {
      this.onConnectorFailure(name, err as Error);
      return;
    }
    for (let i = 0; i < state.taskConfigs.length; i++) {
      state.tasks.set(i, { id: i, state: 'UNASSIGNED', worker_id: this.workerId });
      await worker.startTask(`${name}-${i}`, name, config, state.taskConfigs[i] as Record<string, string>, targetState === 'PAUSED');
    }
  }

  /** Stops the connector's tasks and the connector on the worker. */
  private async halt(name: string): Promise<void> {
    const { worker } = this.opts;
    await worker.stopTasks(worker.taskIdsOf(name));
    await worker.stopConnector(name);
  }

  private async restartOneTask(name: string, task: number): Promise<void> {
    const state = this.require(name);
    const taskId = `${name}-${task}`;
    await this.opts.worker.stopTasks([taskId]);
    state.tasks.set(task, { id: task, state: 'UNASSIGNED', worker_id: this.workerId });
    await this.opts.worker.startTask(taskId, name, state.config, state.taskConfigs[task] as Record<string, string>, state.targetState === 'PAUSED');
  }

  private changeTargetState(name: string, target: TargetState): Promise<void> {
    return this.serialized(async () => {
      const state = this.require(name);
      if (state.targetState === target) return;
      const from = state.targetState;
      await this.opts.configStore.put({ name, config: state.config, targetState: target });
      state.targetState = target;
      if (target === 'STOPPED') {
        await this.halt(name);
        state.taskConfigs = [];
        state.tasks.clear();
        state.status = { state: 'STOPPED', worker_id: this.workerId };
      } else if (from === 'STOPPED') {
        await this.launch(name, state.config, target);
      } else {
        this.opts.worker.setPaused(name, target === 'PAUSED');
        if (state.status.state !== 'FAILED') state.status = { state: target === 'PAUSED' ? 'PAUSED' : 'RUNNING', worker_id: this.workerId };
      }
    });
  }

  private setTask(taskId: string, change: { state: TaskStatus['state']; trace?: string }): void {
    const dash = taskId.lastIndexOf('-');
    const state = this.states.get(taskId.slice(0, dash));
    const id = Number(taskId.slice(dash + 1));
    if (!state || !state.tasks.has(id)) return;
    const status: TaskStatus = { id, state: change.state, worker_id: this.workerId };
    if (change.trace !== undefined) status.trace = change.trace;
    state.tasks.set(id, status);
  }

  private require(name: string): ConnectorState {
    const state = this.states.get(name);
    if (!state) throw new NotFoundError(`Connector ${name} not found`);
    return state;
  }

  private requireStopped(name: string): void {
    if (this.require(name).targetState !== 'STOPPED') {
      throw new ConnectError(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
        { code: ConnectErrorCode.BAD_REQUEST },
      );
    }
  }

  /** PASSWORD-typed values of the connector's spec are shown as [hidden]. */
  private redacted(config: Record<string, string>): Record<string, string> {
    const lookup = this.opts.registry.lookup(config['connector.class'] ?? '', 'connector');
    if (lookup.status !== 'found') return { ...config };
    const def = this.opts.registry.newConnector(config['connector.class'] as string).config();
    const out = { ...config };
    for (const key of def.configKeys.values()) if (key.type === 'PASSWORD' && out[key.name] !== undefined) out[key.name] = '[hidden]';
    return out;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
