/**
 * The worker's metrics, exposed on `GET /metrics` in the Prometheus text format: per task the
 * records polled and written (sources), read and put (sinks), errors, and how far offset commits
 * lag behind (records not yet covered by a commit, seconds since the last one); plus the embedded
 * broker's traffic. Counters are plain numbers bumped on the hot path; rendering walks them.
 */
export type TaskKind = 'source' | 'sink';

export class TaskMetrics {
  /** Source: records returned by poll(). Sink: records fetched from the broker. */
  recordsIn = 0;
  /** Source: records acknowledged by the broker. Sink: records handed to put() that returned. */
  recordsOut = 0;
  errors = 0;
  /** Records handed on but not yet covered by an offset commit. */
  uncommitted = 0;
  lastCommitMs: number | null = null;

  constructor(
    readonly connector: string,
    readonly task: number,
    readonly kind: TaskKind,
  ) {}

  committed(now = Date.now()): void {
    this.uncommitted = 0;
    this.lastCommitMs = now;
  }
}

export interface BrokerTraffic {
  bytesIn: number;
  bytesOut: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: string[];
}

function labels(m: TaskMetrics): string {
  return `connector="${escapeLabel(m.connector)}",task="${m.task}"`;
}

/** Prometheus label values escape backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class WorkerMetrics {
  private readonly tasks = new Map<string, TaskMetrics>();

  /** The metrics of a task, created on first use (a restarted task keeps counting). */
  task(connector: string, task: number, kind: TaskKind): TaskMetrics {
    const id = `${connector}-${task}`;
    let m = this.tasks.get(id);
    if (!m || m.kind !== kind) this.tasks.set(id, (m = new TaskMetrics(connector, task, kind)));
    return m;
  }

  /** Forgets the tasks of a deleted or reconfigured connector. */
  removeConnector(connector: string): void {
    for (const [id, m] of this.tasks) if (m.connector === connector) this.tasks.delete(id);
  }

  render(opts: { now?: number; broker?: BrokerTraffic | null; tasksByState?: ReadonlyArray<{ connector: string; state: string; count: number }> } = {}): string {
    const now = opts.now ?? Date.now();
    const families: Family[] = [
      { name: 'sluice_source_task_records_polled_total', help: 'Records returned by the source task poll().', type: 'counter', samples: [] },
      { name: 'sluice_source_task_records_written_total', help: 'Source records acknowledged by the broker.', type: 'counter', samples: [] },
      { name: 'sluice_sink_task_records_read_total', help: 'Records fetched for the sink task.', type: 'counter', samples: [] },
      { name: 'sluice_sink_task_records_put_total', help: 'Records the sink task put() accepted.', type: 'counter', samples: [] },
      { name: 'sluice_task_errors_total', help: 'Errors raised by the task.', type: 'counter', samples: [] },
      { name: 'sluice_task_offset_commit_pending_records', help: 'Records handed on but not yet covered by an offset commit.', type: 'gauge', samples: [] },
      { name: 'sluice_task_offset_commit_age_seconds', help: 'Seconds since the task last committed offsets.', type: 'gauge', samples: [] },
    ];
    const [polled, written, read, put, errors, pending, age] = families as [Family, Family, Family, Family, Family, Family, Family];
    for (const m of this.tasks.values()) {
      const l = labels(m);
      if (m.kind === 'source') {
        polled.samples.push(`${polled.name}{${l}} ${m.recordsIn}`);
        written.samples.push(`${written.name}{${l}} ${m.recordsOut}`);
      } else {
        read.samples.push(`${read.name}{${l}} ${m.recordsIn}`);
        put.samples.push(`${put.name}{${l}} ${m.recordsOut}`);
      }
      errors.samples.push(`${errors.name}{${l}} ${m.errors}`);
      pending.samples.push(`${pending.name}{${l}} ${m.uncommitted}`);
      if (m.lastCommitMs !== null) age.samples.push(`${age.name}{${l}} ${((now - m.lastCommitMs) / 1000).toFixed(3)}`);
    }
    if (opts.tasksByState) {
      families.push({
        name: 'sluice_connector_tasks',
        help: 'Tasks of each connector by state.',
        type: 'gauge',
        samples: opts.tasksByState.map((t) => `sluice_connector_tasks{connector="${escapeLabel(t.connector)}",state="${t.state}"} ${t.count}`),
      });
    }
    if (opts.broker) {
      families.push(
        { name: 'sluice_broker_bytes_in_total', help: 'Request bytes received by the embedded broker.', type: 'counter', samples: [`sluice_broker_bytes_in_total ${opts.broker.bytesIn}`] },
        { name: 'sluice_broker_bytes_out_total', help: 'Response bytes sent by the embedded broker.', type: 'counter', samples: [`sluice_broker_bytes_out_total ${opts.broker.bytesOut}`] },
      );
    }
    const out: string[] = [];
    for (const f of families) {
      if (f.samples.length === 0) continue;
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples);
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }
}
