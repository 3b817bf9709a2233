/** Connector configurations and target states, as the herder persists them. */
import type { TargetState } from '../herder/herder';

export interface StoredConnector {
  name: string;
  config: Record<string, string>;
  targetState: TargetState;
}

export interface ConfigStore {
  list(): StoredConnector[];
  put(connector: StoredConnector): Promise<void>;
  remove(name: string): Promise<void>;
}
