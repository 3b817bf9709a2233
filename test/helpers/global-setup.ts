/**
 * Runs once before the suite: makes sure the external programs the integration tests drive (kcat, Redis,
 * PostgreSQL) are present,
 * installing them from Debian's packages when running as root.
 */
import { execFileSync } from 'node:child_process';
import { findPostgresBin } from './postgres';

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function globalSetup(): void {
  const missing = [['kcat', 'kcat'], ['redis-server', 'redis-server']].filter(([cmd]) => !has(cmd as string)).map(([, pkg]) => pkg as string);
  if (!findPostgresBin()) missing.push('postgresql');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the integration tests need ${missing.join(', ')}; install them (apt-get install ${missing.join(' ')}) or run as root`);
  }
  execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { stdio: 'inherit' });
}
