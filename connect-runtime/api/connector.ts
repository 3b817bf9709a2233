/**
 * Connector and Task contracts (Kafka's Connector, Task, ConnectorContext, Versioned).
 *
 * A Connector is configured once per connector instance; it validates its settings and splits the work into task
 * configs. Tasks do the copying. Every lifecycle method may return a Promise; blocking work should honour the
 * AbortSignal the runtime passes, which fires when the runtime gives up waiting (shutdown or timeout).
 */
import type { ConfigDef } from './config-def';
import type { ConfigValue } from './config-types';

/** String settings of a connector or task, as stored in the config topic. */
export type ConnectorProps = Readonly<Record<string, string>>;

export interface Versioned {
  /** The plugin version shown by `GET /connector-plugins`. */
  version(): string;
}

export interface ConnectorContext {
  /** Asks the runtime to call taskConfigs() again, e.g. because the set of input tables changed. */
  requestTaskReconfiguration(): void;
  /** Reports an unrecoverable error from a background activity; the connector becomes FAILED. */
  raiseError(error: Error): void;
}

/** The lifecycle every task has. */
export abstract class Task implements Versioned {
  abstract version(): string;
  /** Starts the task with its task config (one of the maps the connector's taskConfigs returned). */
  abstract start(props: ConnectorProps, signal?: AbortSignal): void | Promise<void>;
  /** Stops the task; may be called while another call (poll, put) is still pending. */
  abstract stop(): void | Promise<void>;
}

/** A task class the runtime can instantiate: a constructor with no arguments. */
export type TaskClass<T extends Task = Task> = new () => T;

export abstract class Connector implements Versioned {
  protected context: ConnectorContext | undefined;

  /** Called once by the runtime before start(). */
  initialize(context: ConnectorContext): void {
    this.context = context;
  }

  abstract version(): string;

  abstract start(props: ConnectorProps, signal?: AbortSignal): void | Promise<void>;

  /** Applies a new configuration; by default stops and starts again. */
  reconfigure(props: ConnectorProps, signal?: AbortSignal): void | Promise<void> {
    return (async () => {
      await this.stop();
      await this.start(props, signal);
    })();
  }

  abstract taskClass(): TaskClass;

  /** At most `maxTasks` task configs; the runtime starts one task per config. */
  abstract taskConfigs(maxTasks: number): ConnectorProps[] | Promise<ConnectorProps[]>;

  abstract stop(): void | Promise<void>;

  /** The connector's own config spec (the runtime adds the framework keys). */
  abstract config(): ConfigDef;

  /** Validates raw settings; by default against config(). Override to add cross-key checks. */
  validate(props: Readonly<Record<string, string>>): ConfigValue[] | Promise<ConfigValue[]> {
    return this.config().validate(props);
  }
}
