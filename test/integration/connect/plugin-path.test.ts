/**
 * Third-party plugins on plugin.path: a plain-JavaScript plugin package is discovered, listed by
 * GET /connector-plugins and its connector runs; a package that throws when loaded is reported in
 * the log and skipped without stopping the worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startWorker, type RunningWorker } from '../../../bin/commands/connect';
import { WorkerConfig } from '../../../connect-runtime/config';
import { kcat } from '../../helpers/kcat';
import { removeDir, tempDir } from '../../helpers/broker-harness';

const COUNTER_PLUGIN = `
module.exports = ({ SourceConnector, SourceTask, SourceRecord, ConfigDef, NO_DEFAULT, Schema }) => {
  class CounterTask extends SourceTask {
    version() { return '2.0.0'; }
    start(props) { this.topic = props.topic; this.next = 0; this.limit = Number(props.count); }
    async poll() {
      if (this.next >= this.limit) { await new Promise((r) => setTimeout(r, 50)); return []; }
      const out = [];
      for (; this.next < this.limit; this.next++) {
        out.push(new SourceRecord({ topic: this.topic, sourcePartition: { counter: 'x' }, sourceOffset: { n: this.next }, valueSchema: Schema.STRING_SCHEMA, value: 'count-' + this.next }));
      }
      return out;
    }
    stop() {}
  }
  class CounterSourceConnector extends SourceConnector {
    version() { return '2.0.0'; }
    start(props) { this.props = props; }
    stop() {}
    taskClass() { return CounterTask; }
    taskConfigs() { return [{ topic: this.props.topic, count: this.props.count }]; }
    config() {
      return new ConfigDef()
        .define({ name: 'topic', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH', documentation: 'Topic to write to.' })
        .define({ name: 'count', type: 'INT', default: 10, importance: 'LOW', documentation: 'How many records.' });
    }
  }
  return { name: 'acme-counter', version: '2.0.0', connectors: [{ class: 'com.acme.CounterSourceConnector', ctor: CounterSourceConnector }] };
};
`;

function writePackage(dir: string, name: string, main: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', sluice: { plugin: true } }));
  fs.writeFileSync(path.join(dir, 'index.js'), main);
}

test('a plugin on plugin.path is discovered and runs; a broken one is logged and skipped', async () => {
  const dir = tempDir('sluice-plugins-');
  const plugins = path.join(dir, 'plugins');
  writePackage(path.join(plugins, 'acme-counter'), 'acme-counter', COUNTER_PLUGIN);
  writePackage(path.join(plugins, 'broken'), 'broken', "throw new Error('this plugin cannot load');\n");
  let log = '';
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => { log += chunk.toString(); done(); } }));
  let worker: RunningWorker | null = null;
  try {
    worker = await startWorker(
      new WorkerConfig({
        listeners: 'http://127.0.0.1:0',
        'broker.listeners': 'PLAINTEXT://127.0.0.1:0',
        'broker.log.dirs': path.join(dir, 'broker'),
        'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'plugin.path': plugins,
      }, 'standalone'),
      logger,
    );
    expect(log).toContain('this plugin cannot load');
    const base = `http://127.0.0.1:${worker.restPort}`;
    const listed = (await (await fetch(`${base}/connector-plugins`)).json()) as { class: string; type: string; version?: string }[];
    expect(listed).toContainEqual({ class: 'com.acme.CounterSourceConnector', type: 'source', version: '2.0.0' });
    const created = await fetch(`${base}/connectors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'counter', config: { 'connector.class': 'CounterSource', topic: 'counted', count: 25 } }),
    });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 15000;
    let values: string[] = [];
    while (values.length < 25 && Date.now() < deadline) {
      values = (await kcat(['-b', `127.0.0.1:${worker.brokerPort}`, '-C', '-t', 'counted', '-e', '-q'])).stdout.toString().split('\n').filter(Boolean);
      if (values.length < 25) await new Promise((r) => setTimeout(r, 100));
    }
    expect(values).toEqual(Array.from({ length: 25 }, (_, i) => `count-${i}`));
  } finally {
    await worker?.stop();
    removeDir(dir);
  }
}, 60000);
