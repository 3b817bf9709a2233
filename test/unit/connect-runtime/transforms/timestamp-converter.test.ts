/** TimestampConverter$Key / $Value: every source and target form, fields and whole values, precisions, errors. */
import { ConnectDate, ConnectTime, ConnectTimestamp, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { TimestampConverterKey, TimestampConverterValue } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

const AT = Date.UTC(2024, 2, 10, 8, 30, 15, 250);
const DAY = 86_400_000;

describe('TimestampConverter with a schema', () => {
  test('a Timestamp field to a formatted string', () => {
    const schema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('at', SchemaBuilder.int64().name(ConnectTimestamp.LOGICAL_NAME).version(1).optional()).build();
    const t = configured(new TimestampConverterValue<SinkRecord>(), { field: 'at', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm' });
    const out = t.apply(sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1).put('at', new Date(AT)) })) as SinkRecord;
    expect(out.valueSchema?.field('at')?.schema).toBe(Schema.OPTIONAL_STRING_SCHEMA);
    expect((out.value as Struct).get('at')).toBe('2024-03-10 08:30');
    expect((out.value as Struct).get('id')).toBe(1);
    const nullValue = t.apply(sinkRecord({ valueSchema: schema, value: null })) as SinkRecord;
    expect(nullValue.value).toBeNull();
    expect(nullValue.valueSchema).toBe(out.valueSchema);
  });

  test('whole values between unix, Date, Time and Timestamp', () => {
    const toDate = configured(new TimestampConverterKey<SinkRecord>(), { 'target.type': 'Date' });
    const out = toDate.apply(sinkRecord({ keySchema: Schema.INT64_SCHEMA, key: AT })) as SinkRecord;
    expect(out.keySchema).toBe(ConnectDate.SCHEMA);
    expect(out.key).toEqual(new Date(Math.floor(AT / DAY) * DAY));
    const toTime = configured(new TimestampConverterValue<SinkRecord>(), { 'target.type': 'Time' });
    expect(toTime.apply(sinkRecord({ valueSchema: ConnectTimestamp.SCHEMA, value: new Date(AT) }))?.value).toEqual(new Date(AT % DAY));
    expect(toTime.apply(sinkRecord({ valueSchema: ConnectTimestamp.SCHEMA, value: new Date(AT) }))?.valueSchema).toBe(ConnectTime.SCHEMA);
    const toUnix = configured(new TimestampConverterValue<SinkRecord>(), { 'target.type': 'unix', 'unix.precision': 'microseconds' });
    expect(toUnix.apply(sinkRecord({ valueSchema: ConnectDate.SCHEMA, value: new Date(19_000 * DAY) }))?.value).toBe(19_000 * DAY * 1000);
  });

  test('a schema that is no timestamp is an error', () => {
    const t = configured(new TimestampConverterValue<SinkRecord>(), { 'target.type': 'unix' });
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.BOOLEAN_SCHEMA, value: true }))).toThrow(/does not correspond to a known timestamp type format/);
  });
});

describe('TimestampConverter without a schema', () => {
  test('infers the source form from the value', () => {
    const t = configured(new TimestampConverterValue<SinkRecord>(), { field: 'ts', 'target.type': 'Timestamp', format: "yyyy-MM-dd'T'HH:mm:ss.SSSX" });
    expect(t.apply(sinkRecord({ value: { ts: '2024-03-10T08:30:15.250Z', x: 1 } }))?.value).toEqual({ ts: new Date(AT), x: 1 });
    expect(t.apply(sinkRecord({ value: { ts: AT } }))?.value).toEqual({ ts: new Date(AT) });
    expect(t.apply(sinkRecord({ value: null }))?.value).toBeNull();
    expect(() => t.apply(sinkRecord({ value: { ts: 'yesterday' } }))).toThrow(/Could not parse timestamp: value \(yesterday\) does not match pattern/);
    expect(() => t.apply(sinkRecord({ value: { ts: true } }))).toThrow(/TimestampConverter does not support boolean objects as timestamps/);
  });

  test('unix precisions, with bigints where numbers would lose precision', () => {
    const secondsIn = configured(new TimestampConverterValue<SinkRecord>(), { 'target.type': 'unix', 'unix.precision': 'nanoseconds' });
    expect(secondsIn.apply(sinkRecord({ value: new Date(AT) }))?.value).toBe(BigInt(AT) * 1_000_000n);
    const toSeconds = configured(new TimestampConverterValue<SinkRecord>(), { 'target.type': 'unix', 'unix.precision': 'seconds' });
    expect(toSeconds.apply(sinkRecord({ value: new Date(AT) }))?.value).toBe(Math.trunc(AT / 1000));
    expect(toSeconds.apply(sinkRecord({ value: 1_710_059_415 }))?.value).toBe(1_710_059_415);
  });
});

describe('TimestampConverter config', () => {
  test.each([
    [{}, /Missing required configuration "target.type"/],
    [{ 'target.type': 'epoch' }, /String must be one of: string, unix, Date, Time, Timestamp/],
    [{ 'target.type': 'string' }, /requires format option to be specified when using string timestamps/],
    [{ 'target.type': 'Date', format: 'yyyy-bb' }, /SimpleDateFormat-compatible pattern/],
    [{ 'target.type': 'unix', 'unix.precision': 'days' }, /unix.precision/],
  ])('%j is rejected', (config, message) => {
    expect(() => configured(new TimestampConverterValue(), config)).toThrow(message);
  });
});
