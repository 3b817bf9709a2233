/** The Prometheus text of the worker's metrics. */
import { WorkerMetrics } from '../../../../connect-runtime/worker/worker-metrics';

test('per-task counters, commit lag and broker traffic in the Prometheus text format', () => {
  const metrics = new WorkerMetrics();
  const source = metrics.task('src', 0, 'source');
  source.recordsIn = 10;
  source.recordsOut = 7;
  source.uncommitted = 3;
  const sink = metrics.task('snk "x"', 1, 'sink');
  sink.recordsIn = 5;
  sink.recordsOut = 5;
  sink.errors = 1;
  sink.committed(1_000);
  const text = metrics.render({ now: 3_500, broker: { bytesIn: 100, bytesOut: 200 }, tasksByState: [{ connector: 'src', state: 'RUNNING', count: 1 }] });
  expect(text.split('\n')).toEqual([
    '# HELP sluice_source_task_records_polled_total Records returned by the source task poll().',
    '# TYPE sluice_source_task_records_polled_total counter',
    'sluice_source_task_records_polled_total{connector="src",task="0"} 10',
    '# HELP sluice_source_task_records_written_total Source records acknowledged by the broker.',
    '# TYPE sluice_source_task_records_written_total counter',
    'sluice_source_task_records_written_total{connector="src",task="0"} 7',
    '# HELP sluice_sink_task_records_read_total Records fetched for the sink task.',
    '# TYPE sluice_sink_task_records_read_total counter',
    'sluice_sink_task_records_read_total{connector="snk \\"x\\"",task="1"} 5',
    '# HELP sluice_sink_task_records_put_total Records the sink task put() accepted.',
    '# TYPE sluice_sink_task_records_put_total counter',
    'sluice_sink_task_records_put_total{connector="snk \\"x\\"",task="1"} 5',
    '# HELP sluice_task_errors_total Errors raised by the task.',
    '# TYPE sluice_task_errors_total counter',
    'sluice_task_errors_total{connector="src",task="0"} 0',
    'sluice_task_errors_total{connector="snk \\"x\\"",task="1"} 1',
    '# HELP sluice_task_offset_commit_pending_records Records handed on but not yet covered by an offset commit.',
    '# TYPE sluice_task_offset_commit_pending_records gauge',
    'sluice_task_offset_commit_pending_records{connector="src",task="0"} 3',
    'sluice_task_offset_commit_pending_records{connector="snk \\"x\\"",task="1"} 0',
    '# HELP sluice_task_offset_commit_age_seconds Seconds since the task last committed offsets.',
    '# TYPE sluice_task_offset_commit_age_seconds gauge',
    'sluice_task_offset_commit_age_seconds{connector="snk \\"x\\"",task="1"} 2.500',
    '# HELP sluice_connector_tasks Tasks of each connector by state.',
    '# TYPE sluice_connector_tasks gauge',
    'sluice_connector_tasks{connector="src",state="RUNNING"} 1',
    '# HELP sluice_broker_bytes_in_total Request bytes received by the embedded broker.',
    '# TYPE sluice_broker_bytes_in_total counter',
    'sluice_broker_bytes_in_total 100',
    '# HELP sluice_broker_bytes_out_total Response bytes sent by the embedded broker.',
    '# TYPE sluice_broker_bytes_out_total counter',
    'sluice_broker_bytes_out_total 200',
    '',
  ]);
  metrics.removeConnector('src');
  expect(metrics.render({ now: 3_500 })).not.toContain('connector="src"');
});
