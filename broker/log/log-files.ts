/**
 * File naming and small-file persistence shared by the log modules: segment file names (20-digit
 * zero-padded base offsets, as Kafka names them so that `ls` sorts them), atomic replace via a
 * temporary file and rename, and one-number checkpoint files.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
/**
 * Leftovers of interrupted operations that recovery deletes. Compaction's .cleaned and .swap files
 * are handled before that (cleaner/segment-swap.ts completes a .swap); any still here are removed.
 */
export const STRAY_SUFFIXES = ['.cleaned', '.swap', '.deleted', '.tmp'] as const;

export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const PRODUCER_STATE_SNAPSHOT = 'producer-state-snapshot';

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

export function parseSegmentFileName(name: string): { baseOffset: number; suffix: string } | null {
  const m = SEGMENT_FILE.exec(name);
  if (!m) return null;
  return { baseOffset: Number(m[1]), suffix: `.${m[2] as string}` };
}

export function isStrayFile(name: string): boolean {
  return STRAY_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Replaces `file` with `data` so that readers see the old or the new content, never a mix. With
 * `durable`, the data and the directory entry are fsynced (the log start offset must survive a power
 * cut); without, a crash can at worst leave the old content or an empty file, which readers treat
 * as "no checkpoint" — used where a lost update only costs extra recovery work.
 */
export function writeFileAtomicSync(file: string, data: string | Buffer, opts: { durable: boolean }): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    if (opts.durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  if (opts.durable) fsyncDirSync(path.dirname(file));
}

export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

export function fsyncDirSync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // As above: best effort on filesystems without directory fsync.
  }
}

const CHECKPOINT_VERSION = '0';

/** Writes a one-value checkpoint: a version line, then the offset. */
export function writeOffsetCheckpoint(file: string, offset: number, opts: { durable: boolean }): void {
  writeFileAtomicSync(file, `${CHECKPOINT_VERSION}\n${offset}\n`, opts);
}

/** Reads a checkpoint written by writeOffsetCheckpoint; null when missing, empty or unreadable. */
export function readOffsetCheckpoint(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines[0] !== CHECKPOINT_VERSION || !/^\d+$/.test(lines[1] ?? '')) return null;
  return Number(lines[1]);
}

/** Writes all of `buf` at `position`; writeSync may write less than asked (e.g. near a quota). */
export function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Reads `length` bytes at `position` into `buf[at..]`; returns the count read (less only at end of file). */
export function readFully(fd: number, buf: Buffer, at: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, at + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
