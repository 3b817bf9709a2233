/**
 * A real standalone Connect worker in the test process (embedded broker, REST on an ephemeral port)
 * and a small client for its REST API, for the integration tests of the Connect endpoints.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startWorker, type RunningWorker } from '../../bin/commands/connect';
import { WorkerConfig } from '../../connect-runtime/config';
import { removeDir, tempDir } from './broker-harness';

export interface RestAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  text: string;
}

export interface TestWorker {
  worker: RunningWorker;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The worker's data directory (broker logs, offsets, connector configs); removed by stop(). */
  dir: string;
  /** `host:port` shown as worker_id in statuses. */
  workerId: string;
  /** Sends a request; a non-string body is sent as JSON with Content-Type application/json. */
  call(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<RestAnswer>;
  stop(): Promise<void>;
}

/** Class name of the test plugin's source connector (see SECRET_SOURCE_PLUGIN). */
export const SECRET_SOURCE_CLASS = 'com.example.secret.SecretSourceConnector';

/**
 * A plain-JavaScript plugin for the tests: a source connector with a PASSWORD setting (`secret`, copied
 * into its task configs) whose tasks produce nothing; task number `fail.task` fails on each poll while
 * the file named by `fail.if.exists` exists.
 */
const SECRET_SOURCE_PLUGIN = `
const fs = require('node:fs');
module.exports = ({ SourceConnector, SourceTask, ConfigDef, NO_DEFAULT }) => {
  const CONFIG = new ConfigDef()
    .define({ name: 'secret', type: 'PASSWORD', default: NO_DEFAULT, importance: 'HIGH', documentation: 'A credential.' })
    .define({ name: 'fail.if.exists', type: 'STRING', default: '', importance: 'LOW', documentation: 'The task fails while this file exists.' })
    .define({ name: 'fail.task', type: 'INT', default: 0, importance: 'LOW', documentation: 'Which task fails.' });
  class SecretSourceTask extends SourceTask {
    version() { return '1.2.3'; }
    start(props) { this.failFile = props['task.index'] === (props['fail.task'] || '0') ? props['fail.if.exists'] || '' : ''; }
    async poll(signal) {
      if (this.failFile !== '' && fs.existsSync(this.failFile)) throw new Error('failing while ' + this.failFile + ' exists');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 50);
        if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
      return null;
    }
    stop() {}
  }
  class SecretSourceConnector extends SourceConnector {
    version() { return '1.2.3'; }
    start(props) { this.props = Object.assign({}, props); }
    taskClass() { return SecretSourceTask; }
    taskConfigs(maxTasks) { return Array.from({ length: maxTasks }, (_, i) => Object.assign({ 'task.index': String(i) }, this.props)); }
    stop() {}
    config() { return CONFIG; }
  }
  return { name: 'secret-source', version: '1.2.3', connectors: [{ class: '${SECRET_SOURCE_CLASS}', ctor: SecretSourceConnector }] };
};
`;

function writeSecretSourcePlugin(pluginsDir: string): void {
  const pkg = path.join(pluginsDir, 'secret-source');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'secret-source', version: '1.2.3', main: 'index.js', sluice: { plugin: true } }));
  fs.writeFileSync(path.join(pkg, 'index.js'), SECRET_SOURCE_PLUGIN);
}

/**
 * Worker settings for tests: REST and the embedded broker on ephemeral ports, data under `dir`,
 * fast group joins and offset commits, StringConverter unless `extra` says otherwise.
 */
export function testWorkerProps(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    listeners: 'http://127.0.0.1:0',
    'broker.listeners': 'PLAINTEXT://127.0.0.1:0',
    'broker.log.dirs': path.join(dir, 'broker'),
    'broker.group.initial.rebalance.delay.ms': '0',
    'broker.offsets.topic.num.partitions': '2',
    'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '500',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    ...extra,
  };
}

/** Starts a worker with the settings every REST test uses (plus `extra`) and the test plugin on plugin.path. */
export async function startTestWorker(extra: Record<string, string> = {}): Promise<TestWorker> {
  const dir = tempDir('sluice-connect-rest-');
  let worker: RunningWorker;
  try {
    writeSecretSourcePlugin(path.join(dir, 'plugins'));
    const config = new WorkerConfig(testWorkerProps(dir, { 'plugin.path': path.join(dir, 'plugins'), ...extra }), 'standalone');
    worker = await startWorker(config, pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }));
  } catch (err) {
    removeDir(dir);
    throw err;
  }
  const url = `http://127.0.0.1:${worker.restPort}`;
  let stopped = false;
  return {
    worker,
    url,
    dir,
    workerId: `127.0.0.1:${worker.restPort}`,
    async call(method, urlPath, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'Content-Type': 'application/json', ...headers };
      }
      const res = await fetch(`${url}${urlPath}`, init);
      const text = await res.text();
      let parsed: unknown = undefined;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await worker.stop();
      } finally {
        removeDir(dir);
      }
    },
  };
}

/**
 * Polls `read` until `done` accepts what it returned; fails after `timeoutMs` showing the last value read,
 * so that a test that times out says what it saw.
 */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
