/** ReplaceField$Key / $Value: include, exclude (which wins), renames, legacy names and config errors. */
import { Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { ReplaceFieldKey, ReplaceFieldValue } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

const SCHEMA = SchemaBuilder.struct()
  .name('row')
  .field('a', Schema.INT32_SCHEMA)
  .field('b', SchemaBuilder.string().optional().defaultValue('dflt'))
  .field('c', Schema.BOOLEAN_SCHEMA)
  .build();

function row(): Struct {
  return new Struct(SCHEMA).put('a', 1).put('c', true);
}

describe('ReplaceField$Value', () => {
  test('with a schema: exclude wins over include, renames apply, defaults are read', () => {
    const t = configured(new ReplaceFieldValue<SinkRecord>(), { include: 'a,b', exclude: 'a', renames: 'b:bee,c:sea' });
    const out = t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() })) as SinkRecord;
    const schema = out.valueSchema as Schema;
    expect(schema.name).toBe('row');
    expect(schema.fields.map((f) => f.name)).toEqual(['bee']);
    expect((out.value as Struct).get('bee')).toBe('dflt');
  });

  test('replace.null.with.default=false keeps nulls', () => {
    const t = configured(new ReplaceFieldValue<SinkRecord>(), { renames: 'b:bee', 'replace.null.with.default': 'false' });
    const out = t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() })) as SinkRecord;
    expect((out.value as Struct).getWithoutDefault('bee')).toBeNull();
    expect((out.value as Struct).get('a')).toBe(1);
  });

  test('a structurally equal schema object reuses the derived schema', () => {
    const build = (): Schema => SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('b', Schema.STRING_SCHEMA).build();
    const t = configured(new ReplaceFieldValue<SinkRecord>(), { exclude: 'b' });
    const first = build();
    const second = build();
    const out1 = t.apply(sinkRecord({ valueSchema: first, value: new Struct(first).put('a', 1).put('b', 'x') })) as SinkRecord;
    const out2 = t.apply(sinkRecord({ valueSchema: second, value: new Struct(second).put('a', 2).put('b', 'y') })) as SinkRecord;
    expect(out2.valueSchema).toBe(out1.valueSchema);
    expect((out2.value as Struct).get('a')).toBe(2);
  });

  test('without a schema', () => {
    const t = configured(new ReplaceFieldValue<SinkRecord>(), { exclude: 'secret', renames: 'a:alpha' });
    expect(t.apply(sinkRecord({ value: { a: 1, secret: 'x', z: 2 } }))?.value).toEqual({ alpha: 1, z: 2 });
    const tombstone = sinkRecord({ value: null });
    expect(t.apply(tombstone)).toBe(tombstone);
  });

  test('pre-4.0 blacklist/whitelist still work', () => {
    const t = configured(new ReplaceFieldValue<SinkRecord>(), { whitelist: 'a,b', blacklist: 'b' });
    expect(t.apply(sinkRecord({ value: { a: 1, b: 2, c: 3 } }))?.value).toEqual({ a: 1 });
  });

  test('bad rename mappings are config errors', () => {
    expect(() => configured(new ReplaceFieldValue(), { renames: 'a:b:c' })).toThrow(/Invalid value \[a:b:c\] for configuration renames: Invalid rename mapping: a:b:c/);
    expect(() => configured(new ReplaceFieldValue(), { renames: 'a' })).toThrow(/Invalid rename mapping: a/);
    expect(new ReplaceFieldValue().config().validate({ renames: 'x' })[2]?.errorMessages[0]).toMatch(/Invalid rename mapping: x/);
  });
});

describe('ReplaceField$Key', () => {
  test('operates on the key', () => {
    const t = configured(new ReplaceFieldKey<SinkRecord>(), { include: 'a' });
    const out = t.apply(sinkRecord({ keySchema: SCHEMA, key: row(), value: 'v' })) as SinkRecord;
    expect((out.keySchema as Schema).fields.map((f) => f.name)).toEqual(['a']);
    expect(out.value).toBe('v');
  });
});
