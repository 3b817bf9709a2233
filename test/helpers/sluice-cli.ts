/** Runs the built `sluice` CLI (`npm run build` first) as a child process and collects its output. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'bin', 'sluice.js');
const BUILT = path.join(__dirname, '..', '..', 'dist', 'bin', 'main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Throws unless the CLI has been built. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(BUILT)) throw new Error('the CLI is not built: run `npm run build` before the integration tests');
}

export function sluice(args: string[], input?: string, timeoutMs = 30000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} timed out; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
