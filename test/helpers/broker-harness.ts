/** Starts real brokers for integration tests: in-process (fast) or as a child process (for kill -9). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Broker } from '../../broker/broker';

export function tempDir(prefix = 'sluice-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface InProcessBroker {
  broker: Broker;
  bootstrap: string;
  logDir: string;
  stop(): Promise<void>;
}

export async function startBroker(props: Record<string, string> = {}, logDir = tempDir()): Promise<InProcessBroker> {
  const broker = await Broker.start({
    props: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, ...props },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
  return { broker, bootstrap: `127.0.0.1:${broker.port}`, logDir, stop: () => broker.stop() };
}

export interface ChildBroker {
  process: ChildProcess;
  port: number;
  bootstrap: string;
  output: () => string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

const CLI = path.join(__dirname, '..', '..', 'bin', 'sluice.js');

/** Runs `sluice broker start` as a separate process (needs `npm run build`) and waits for it to listen. */
export async function startChildBroker(logDir: string, overrides: Record<string, string> = {}, port = 0): Promise<ChildBroker> {
  const args = [CLI, 'broker', 'start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${logDir}`];
  for (const [k, v] of Object.entries(overrides)) args.push('--override', `${k}=${v}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let startTimer: NodeJS.Timeout | undefined;
  const boundPort = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /"listener":"PLAINTEXT:\/\/127\.0\.0\.1:(\d+)"/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`broker exited with ${code} before listening:\n${out}`)));
    startTimer = setTimeout(() => reject(new Error(`broker did not start within 20 s:\n${out}`)), 20000);
  }).finally(() => clearTimeout(startTimer));
  return { process: child, port: boundPort, bootstrap: `127.0.0.1:${boundPort}`, output: () => out, exited };
}
