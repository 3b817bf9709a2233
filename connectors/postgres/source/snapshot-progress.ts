/**
 * Progress of the initial snapshot for the log: rows read per table and overall, rows/s, and a percentage against
 * the planner's row estimates (pg_class.reltuples), which may be stale - the percentage can pass 100.
 */
import type { SourceLogger } from './logger';

export interface ProgressTable {
  schema: string;
  table: string;
  estimatedRows: number;
}

export class SnapshotProgress {
  private readonly started = Date.now();
  private tableStarted = Date.now();
  private lastLog = Date.now();
  private totalRows = 0;
  private tableRows = 0;
  private tableIndex = 0;
  private readonly estimatedTotal: number;

  constructor(
    private readonly tables: readonly ProgressTable[],
    private readonly logger: SourceLogger,
    private readonly intervalMs = 10_000,
  ) {
    this.estimatedTotal = tables.reduce((sum, t) => sum + t.estimatedRows, 0);
  }

  startTable(index: number): void {
    this.tableIndex = index;
    this.tableRows = 0;
    this.tableStarted = Date.now();
  }

  /** Counts rows just read; logs at most once per interval. */
  rows(n: number): void {
    this.tableRows += n;
    this.totalRows += n;
    const now = Date.now();
    if (now - this.lastLog >= this.intervalMs) {
      this.lastLog = now;
      this.logger.info(this.fields(now), 'snapshot in progress');
    }
  }

  finishTable(): void {
    const t = this.tables[this.tableIndex];
    const ms = Date.now() - this.tableStarted;
    this.logger.info(
      { table: t ? `${t.schema}.${t.table}` : undefined, rows: this.tableRows, durationMs: ms, rowsPerSecond: rate(this.tableRows, ms), tablesDone: this.tableIndex + 1, tables: this.tables.length },
      'snapshot of table finished',
    );
  }

  summary(): { rows: number; durationMs: number; rowsPerSecond: number } {
    const ms = Date.now() - this.started;
    return { rows: this.totalRows, durationMs: ms, rowsPerSecond: rate(this.totalRows, ms) };
  }

  fields(now = Date.now()): Record<string, unknown> {
    const t = this.tables[this.tableIndex];
    return {
      table: t ? `${t.schema}.${t.table}` : undefined,
      tableRows: this.tableRows,
      tablePercent: t && t.estimatedRows > 0 ? percent(this.tableRows, t.estimatedRows) : undefined,
      rows: this.totalRows,
      percent: this.estimatedTotal > 0 ? percent(this.totalRows, this.estimatedTotal) : undefined,
      rowsPerSecond: rate(this.totalRows, now - this.started),
      tablesDone: this.tableIndex,
      tables: this.tables.length,
    };
  }
}

function rate(rows: number, ms: number): number {
  return ms <= 0 ? rows : Math.round((rows * 1000) / ms);
}

function percent(part: number, whole: number): number {
  return Math.round((part * 1000) / whole) / 10;
}
