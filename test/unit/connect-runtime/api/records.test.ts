import {
  BigDecimal,
  ConfigDef,
  ConnectError,
  ConnectHeaders,
  type ConnectorProps,
  DataError,
  isRetriable,
  NotFoundError,
  RetriableError,
  Schema,
  SinkConnector,
  SinkRecord,
  SinkTask,
  SourceRecord,
  SourceTask,
  Task,
  type TaskClass,
  topicPartition,
  TopicPartitionMap,
  type OffsetAndMetadata,
} from '../../../../connect-runtime/api';

describe('ConnectHeaders', () => {
  test('typed adders, lookup and removal', () => {
    const headers = new ConnectHeaders()
      .addString('a', 'x')
      .addInt('n', 5)
      .addString('a', 'y')
      .addLong('big', 2n ** 62n)
      .addDecimal('price', BigDecimal.parse('9.99'))
      .addString('none', null);
    expect(headers.size).toBe(6);
    expect(headers.lastWithName('a')?.value).toBe('y');
    expect(headers.allWithName('a').map((h) => h.value)).toEqual(['x', 'y']);
    expect(headers.lastWithName('n')?.schema).toBe(Schema.INT32_SCHEMA);
    expect(headers.lastWithName('price')?.schema?.parameters).toEqual({ scale: '2' });
    expect(headers.lastWithName('none')?.schema).toBe(Schema.OPTIONAL_STRING_SCHEMA);
    headers.retainLatest();
    expect(headers.allWithName('a').map((h) => h.value)).toEqual(['y']);
    headers.remove('a');
    expect(headers.lastWithName('a')).toBeUndefined();
    expect([...headers].map((h) => h.key)).toEqual(['n', 'big', 'price', 'none']);
  });

  test('values are validated against their schema', () => {
    expect(() => new ConnectHeaders().addInt('n', 2 ** 40)).toThrow(DataError);
    expect(() => new ConnectHeaders().add('k', 'text', Schema.INT8_SCHEMA)).toThrow(/field: "k"/);
    expect(new ConnectHeaders().add('k', 'raw', null).lastWithName('k')?.schema).toBeNull();
  });

  test('apply and duplicate', () => {
    const headers = new ConnectHeaders().addString('a', '1').addString('b', '2');
    const copy = headers.duplicate();
    headers.apply((h) => (h.key === 'a' ? null : h));
    expect(headers.size).toBe(1);
    expect(copy.size).toBe(2);
  });
});

describe('records', () => {
  test('SourceRecord keeps partition and offset through newRecord', () => {
    const record = new SourceRecord({
      sourcePartition: { filename: '/tmp/in.txt' },
      sourceOffset: { position: 30 },
      topic: 'connect-test',
      valueSchema: Schema.STRING_SCHEMA,
      value: 'line',
      timestamp: 1700000000000,
    });
    expect(record.kafkaPartition).toBeNull();
    expect(record.key).toBeNull();
    const routed = record.newRecord({ topic: 'other', value: 'LINE' });
    expect(routed).toBeInstanceOf(SourceRecord);
    expect(routed).toMatchObject({ topic: 'other', value: 'LINE', sourcePartition: { filename: '/tmp/in.txt' }, sourceOffset: { position: 30 } });
    expect(routed.valueSchema).toBe(Schema.STRING_SCHEMA);
    expect(routed.headers).not.toBe(record.headers);
  });

  test('SinkRecord remembers where it was consumed from', () => {
    const record = new SinkRecord({ topic: 't', kafkaPartition: 2, kafkaOffset: 41, value: 'v', timestampType: 'CreateTime', timestamp: 5 });
    expect(record).toMatchObject({ originalTopic: 't', originalKafkaPartition: 2, originalKafkaOffset: 41, timestampType: 'CreateTime' });
    const renamed = record.newRecord({ topic: 't-renamed', kafkaPartition: 0 });
    expect(renamed).toMatchObject({ topic: 't-renamed', kafkaPartition: 0, kafkaOffset: 41, originalTopic: 't', originalKafkaPartition: 2 });
    expect(new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0 }).timestampType).toBe('NoTimestampType');
  });

  test('TopicPartitionMap is keyed by value', () => {
    const map = new TopicPartitionMap<number>();
    map.set({ topic: 'a', partition: 0 }, 1).set(topicPartition('a', 0), 2).set(topicPartition('a', 1), 3);
    expect(map.size).toBe(2);
    expect(map.get({ topic: 'a', partition: 0 })).toBe(2);
    expect([...map].map(([tp, v]) => `${tp.topic}-${tp.partition}=${v}`)).toEqual(['a-0=2', 'a-1=3']);
  });
});

describe('connector contracts', () => {
  class RecordingSinkTask extends SinkTask {
    flushed: number[] = [];
    version(): string {
      return '1.0';
    }
    start(_props: ConnectorProps): void {}
    put(): void {}
    stop(): void {}
    override flush(offsets: TopicPartitionMap<OffsetAndMetadata>): void {
      this.flushed.push(offsets.size);
    }
  }

  test('SinkTask.preCommit flushes and returns the offsets', async () => {
    const task = new RecordingSinkTask();
    const offsets = new TopicPartitionMap<OffsetAndMetadata>([[topicPartition('t', 0), { offset: 5 }]]);
    expect(await task.preCommit(offsets)).toBe(offsets);
    expect(task.flushed).toEqual([1]);
  });

  test('a connector exposes its task class and default validation', async () => {
    class MySink extends SinkConnector {
      version(): string {
        return '1.0';
      }
      start(): void {}
      taskClass(): TaskClass {
        return RecordingSinkTask;
      }
      taskConfigs(max: number): ConnectorProps[] {
        return Array.from({ length: max }, () => ({}));
      }
      stop(): void {}
      config(): ConfigDef {
        return new ConfigDef().define({ name: 'file', type: 'STRING', default: null, importance: 'HIGH' });
      }
    }
    const connector = new MySink();
    const task: Task = new (connector.taskClass())();
    expect(task).toBeInstanceOf(RecordingSinkTask);
    expect(await connector.taskConfigs(3)).toHaveLength(3);
    expect((await connector.validate({ file: 'x' })).map((v) => v.value)).toEqual(['x']);
    expect(await connector.alterOffsets({}, new TopicPartitionMap())).toBe(false);
  });

  test('SourceTask defaults', async () => {
    class Noop extends SourceTask {
      version(): string {
        return '1';
      }
      start(): void {}
      stop(): void {}
      async poll(): Promise<SourceRecord[] | null> {
        return null;
      }
    }
    const task = new Noop();
    await expect(task.poll()).resolves.toBeNull();
    expect(task.commit()).toBeUndefined();
  });
});

describe('errors', () => {
  test('codes and retriability', () => {
    expect(new RetriableError('later')).toMatchObject({ code: 'RETRIABLE', retriable: true, name: 'RetriableError' });
    expect(new DataError('bad', { field: 'f' })).toMatchObject({ code: 'DATA_ERROR', retriable: false, field: 'f' });
    expect(new NotFoundError('gone').code).toBe('NOT_FOUND');
    expect(new ConnectError('x', { code: 'TIMEOUT' }).retriable).toBe(true);
    expect(isRetriable(new RetriableError('x'))).toBe(true);
    expect(isRetriable(new Error('x'))).toBe(false);
    const cause = new Error('root');
    expect(new ConnectError('wrapped', { cause }).cause).toBe(cause);
  });
});
