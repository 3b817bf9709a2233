import { ConfigDef, Schema, SchemaAndValue, type HeaderConverter } from '../../../../connect-runtime/api';
import { SimpleHeaderConverter, StringConverter } from '../../../../connect-runtime/converters';
import { failedSinkStage, toSinkRecord, type RecordConverters } from '../../../../connect-runtime/worker/record-conversion';
import type { ConsumedRecord } from '../../../../broker/client/record-batch-reader';

/** A header converter whose answer does not fit the schema it names (an INT32 schema with a string). */
class MismatchedHeaderConverter implements HeaderConverter {
  configure(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  toConnectHeader(): SchemaAndValue {
    return new SchemaAndValue(Schema.INT32_SCHEMA, 'not a number');
  }
  fromConnectHeader(): Buffer | null {
    return null;
  }
}

function converters(header: HeaderConverter): RecordConverters {
  const key = new StringConverter();
  key.configure({}, true);
  const value = new StringConverter();
  value.configure({}, false);
  return { key, value, header };
}

const consumed = (headers: ConsumedRecord['headers']): ConsumedRecord => ({
  offset: 3, timestamp: 1000, timestampType: 'CreateTime', key: Buffer.from('k'), value: Buffer.from('v'), headers,
});

test('a header the header converter gives a value its schema refuses fails at HEADER_CONVERTER', () => {
  const mismatched = converters(new MismatchedHeaderConverter());
  const record = consumed([['h', Buffer.from('1')]]);
  expect(() => toSinkRecord('t', 0, record, mismatched)).toThrow();
  expect(failedSinkStage('t', record, mismatched)).toBe('HEADER_CONVERTER');
});

test('headers the converter reads become Connect headers; a record that converts is no converter failure', () => {
  const simple = new SimpleHeaderConverter();
  simple.configure({});
  const ok = converters(simple);
  const record = consumed([['h', Buffer.from('42')]]);
  const sink = toSinkRecord('t', 0, record, ok);
  expect(sink.headers.lastWithName('h')?.value).toBe(42);
  expect(failedSinkStage('t', record, ok)).toBe('TRANSFORMATION');
});
