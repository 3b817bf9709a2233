/**
 * What every tool command shares at run time: turning errors into messages and exit codes (a usage
 * error prints the usage; a broker or connection error prints one line, never a stack trace), a stop
 * signal for SIGINT/SIGTERM, and a stdout writer that respects back-pressure and treats a closed
 * pipe (`| head`) as a request to stop rather than a crash.
 */
import { UsageError, formatUsage, parseArgs, type FlagSpec, type ParsedArgs } from './args';

export interface ToolDefinition {
  command: string;
  summary: string;
  flags: FlagSpec[];
}

const HELP: FlagSpec = { name: 'help', kind: 'boolean', description: 'Print usage information.', aliases: ['h'] };

/** Parses flags and runs the tool, mapping errors to exit codes. */
export async function runTool(def: ToolDefinition, argv: readonly string[], body: (args: ParsedArgs) => Promise<number>): Promise<number> {
  const usage = formatUsage(def.command, def.summary, [...def.flags, HELP]);
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(usage);
      return 0;
    }
    const args = parseArgs(argv, def.flags);
    if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
    return await body(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${usage}`);
      return 1;
    }
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    if (process.env.SLUICE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** An AbortSignal that fires on SIGINT or SIGTERM; `dispose` removes the handlers. */
export function shutdownSignal(): { signal: AbortSignal; dispose: () => void; stop: (reason?: string) => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => controller.abort(stopError(name));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stop: (reason = 'stopped') => controller.abort(stopError(reason)),
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function stopError(reason: string): Error {
  const err = new Error(`stopped (${reason})`);
  err.name = 'AbortError';
  return err;
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Buffered stdout: `write` collects text or bytes, `flush` hands them to the stream and waits for drain. */
export class Output {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True once stdout is gone (EPIPE): stop producing output. */
  closed = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { writableNeedDrain?: boolean } = process.stdout,
    private readonly onClosed?: () => void,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE is the reader going away (`| head`); anything else also ends the output, with a note.
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') process.stderr.write(`Error: cannot write output: ${err.message}\n`);
      this.closed = true;
      this.onClosed?.();
    });
  }

  write(data: string | Buffer): void {
    if (this.closed) return;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.pending.push(b);
    this.pendingBytes += b.length;
  }

  /** Takes ownership of the list (no copy until flush). */
  writeAll(parts: Buffer[]): void {
    if (this.closed) return;
    for (const b of parts) {
      this.pending.push(b);
      this.pendingBytes += b.length;
    }
  }

  get buffered(): number {
    return this.pendingBytes;
  }

  async flush(): Promise<void> {
    if (this.closed || this.pending.length === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const ok = this.stream.write(data);
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('close', done);
        this.stream.once('error', done);
      });
    }
  }
}

/** Java's String.format("%.Nf") for the tools' summary lines. */
export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : n > 0 ? 'Infinity' : 'NaN';
}
