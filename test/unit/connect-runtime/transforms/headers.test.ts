/** DropHeaders, InsertHeader and HeaderFrom$Key / $Value. */
import { ConnectHeaders, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { DropHeaders, HeaderFromKey, HeaderFromValue, InsertHeader } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

describe('DropHeaders', () => {
  test('removes the listed headers and keeps the order of the rest', () => {
    const t = configured(new DropHeaders<SinkRecord>(), { headers: 'a, c' });
    const headers = new ConnectHeaders().addString('a', '1').addString('b', '2').addString('c', '3').addString('a', '4').addString('d', '5');
    const out = t.apply(sinkRecord({ headers })) as SinkRecord;
    expect([...out.headers].map((h) => h.key)).toEqual(['b', 'd']);
    expect(headers.size).toBe(5);
    expect(() => configured(new DropHeaders(), { headers: '' })).toThrow(/Empty list/);
  });
});

describe('InsertHeader', () => {
  test('adds the literal, typed as Values.parseString types it', () => {
    const t = configured(new InsertHeader<SinkRecord>(), { header: 'n', 'value.literal': '42' });
    const out = t.apply(sinkRecord({ headers: new ConnectHeaders().addString('x', 'y') })) as SinkRecord;
    expect(out.headers.lastWithName('n')?.value).toBe(42);
    expect(out.headers.lastWithName('n')?.schema?.type).toBe('INT8');
    const text = configured(new InsertHeader<SinkRecord>(), { header: 'env', 'value.literal': 'prod' });
    expect(text.apply(sinkRecord())?.headers.lastWithName('env')?.value).toBe('prod');
    expect(() => configured(new InsertHeader(), { header: 'h' })).toThrow(/Missing required configuration "value.literal"/);
  });
});

describe('HeaderFrom', () => {
  const SCHEMA = SchemaBuilder.struct().name('row').field('id', Schema.INT32_SCHEMA).field('trace', Schema.OPTIONAL_STRING_SCHEMA).field('v', Schema.STRING_SCHEMA).build();
  const row = (): Struct => new Struct(SCHEMA).put('id', 1).put('trace', 't-1').put('v', 'x');

  test('move with a schema removes the fields and adds headers with their schemas', () => {
    const t = configured(new HeaderFromValue<SinkRecord>(), { fields: 'trace,id', headers: 'trace-id,row-id', operation: 'move' });
    const out = t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() })) as SinkRecord;
    expect((out.valueSchema as Schema).fields.map((f) => f.name)).toEqual(['v']);
    expect(out.valueSchema?.name).toBe('row');
    expect((out.value as Struct).get('v')).toBe('x');
    expect(out.headers.lastWithName('trace-id')).toMatchObject({ value: 't-1', schema: Schema.OPTIONAL_STRING_SCHEMA });
    expect(out.headers.lastWithName('row-id')).toMatchObject({ value: 1, schema: Schema.INT32_SCHEMA });
  });

  test('copy keeps the value; schemaless maps work too', () => {
    const copy = configured(new HeaderFromValue<SinkRecord>(), { fields: 'id', headers: 'h', operation: 'copy' });
    const value = row();
    expect(copy.apply(sinkRecord({ valueSchema: SCHEMA, value }))?.value).toBe(value);
    const move = configured(new HeaderFromKey<SinkRecord>(), { fields: 'a,b', headers: 'ha,hb', operation: 'move' });
    const out = move.apply(sinkRecord({ key: { a: 1, c: 3 } })) as SinkRecord;
    expect(out.key).toEqual({ c: 3 });
    expect([...out.headers].map((h) => [h.key, h.value, h.schema])).toEqual([
      ['ha', 1, null],
      ['hb', null, null],
    ]);
  });

  test('errors', () => {
    const t = configured(new HeaderFromValue<SinkRecord>(), { fields: 'nope', headers: 'h', operation: 'copy' });
    expect(() => t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() }))).toThrow(/Field nope does not exist in the value schema/);
    expect(() => t.apply(sinkRecord({ value: 'x' }))).toThrow(/Only Map objects supported in absence of schema for \[header copy\]/);
    expect(() => configured(new HeaderFromValue(), { fields: 'a,b', headers: 'h', operation: 'copy' })).toThrow(
      /'fields' config must have the same number of elements as 'headers' config/,
    );
    expect(() => configured(new HeaderFromValue(), { fields: 'a', headers: 'h', operation: 'cut' })).toThrow(/String must be one of: move, copy/);
  });
});
