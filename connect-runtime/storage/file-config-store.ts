/**
 * The standalone worker's connector store. Kafka Connect keeps standalone configs in memory only;
 * here connectors created over REST are written to a JSON file (next to the offsets file) and come
 * back after a restart. Written atomically; a missing file means no connectors.
 */
import fs from 'node:fs';
import { writeAtomically } from './file-offset-store';
import type { ConfigStore, StoredConnector } from './config-store';

interface ConnectorsFile {
  version: 1;
  connectors: StoredConnector[];
}

export class FileConfigStore implements ConfigStore {
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly connectors: Map<string, StoredConnector>,
  ) {}

  static async open(file: string): Promise<FileConfigStore> {
    let connectors: StoredConnector[] = [];
    try {
      const parsed = JSON.parse(await fs.promises.readFile(file, 'utf8')) as ConnectorsFile;
      if (parsed?.version !== 1 || !Array.isArray(parsed.connectors)) throw new Error('unknown layout');
      connectors = parsed.connectors;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`connector store ${file} cannot be read (${(err as Error).message}); move it away to start without stored connectors`);
      }
    }
    return new FileConfigStore(file, new Map(connectors.map((c) => [c.name, c])));
  }

  list(): StoredConnector[] {
    return [...this.connectors.values()].map((c) => ({ ...c, config: { ...c.config } }));
  }

  put(connector: StoredConnector): Promise<void> {
    this.connectors.set(connector.name, { ...connector, config: { ...connector.config } });
    return this.persist();
  }

  remove(name: string): Promise<void> {
    this.connectors.delete(name);
    return this.persist();
  }

  private persist(): Promise<void> {
    const content = JSON.stringify({ version: 1, connectors: [...this.connectors.values()] } satisfies ConnectorsFile, null, 2);
    const write = this.writeChain.then(() => writeAtomically(this.file, content));
    this.writeChain = write.catch(() => undefined);
    return write;
  }
}
