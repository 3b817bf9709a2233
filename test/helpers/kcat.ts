/** Runs the real kcat (librdkafka) against a broker. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface KcatResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function kcat(args: string[], input?: Buffer | string, timeoutMs = 60000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out after ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.end(input ?? '');
  });
}

/** A kcat left running (e.g. a `-G` group consumer), with its output collected as it arrives. */
export class RunningKcat {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.changed();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.changed();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Non-empty stdout lines so far. */
  get lines(): string[] {
    return this.stdout.split('\n').filter(Boolean);
  }

  /**
   * Resolves once `check` holds; rejects after `timeoutMs` with this kcat's stderr. Checked on this
   * kcat's output and every 100 ms, since `check` may look at other processes too.
   */
  waitFor(check: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(listener);
      };
      const listener = (): void => {
        if (!check()) return;
        done();
        resolve();
      };
      const poll = setInterval(listener, 100);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`kcat: ${what} did not happen within ${timeoutMs} ms\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
