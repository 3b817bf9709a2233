/** The built-in transforms plugin: every class under Kafka's (or Debezium's) name, aliases, and use in a chain. */
import { ConfigDef, Schema, SchemaBuilder, type SinkRecord, type SourceRecord, Struct } from '../../../../connect-runtime/api';
import { builtinTransformsDescriptor, registerBuiltinTransforms } from '../../../../connect-runtime/plugins/builtin-transforms';
import { PluginRegistry } from '../../../../connect-runtime/plugins/plugin-registry';
import { enrichWithTransforms } from '../../../../connect-runtime/plugins/transform-stages';
import { TransformationChain } from '../../../../connect-runtime/worker/transformation-chain';
import { sinkRecord, sourceRecord } from './records';

const K = 'org.apache.kafka.connect.transforms.';
const KEY_VALUE = ['Cast', 'ExtractField', 'Flatten', 'HeaderFrom', 'HoistField', 'InsertField', 'MaskField', 'ReplaceField', 'SetSchemaMetadata', 'TimestampConverter'];
const SINGLE = ['DropHeaders', 'Filter', 'InsertHeader', 'RegexRouter', 'TimestampRouter', 'ValueToKey'];
const TRANSFORMATIONS = [
  ...KEY_VALUE.flatMap((n) => [`${K}${n}$Key`, `${K}${n}$Value`]),
  ...SINGLE.map((n) => K + n),
  'io.debezium.transforms.ExtractNewRecordState',
].sort();
const PREDICATES = ['HasHeaderKey', 'RecordIsTombstone', 'TopicNameMatches'].map((n) => `${K}predicates.${n}`);

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  registerBuiltinTransforms(r);
  return r;
}

describe('builtin transforms descriptor', () => {
  test('lists every transformation and predicate under its class name', () => {
    const descriptor = builtinTransformsDescriptor({ version: '9.9.9' });
    expect(descriptor.transformations?.map((e) => e.class).sort()).toEqual(TRANSFORMATIONS);
    expect(descriptor.predicates?.map((e) => e.class).sort()).toEqual(PREDICATES);
    const r = registry();
    expect(r.list('transformation').map((p) => p.class)).toEqual(TRANSFORMATIONS);
    expect(r.list('predicate').map((p) => p.class)).toEqual(PREDICATES);
    expect(registry().list('transformation')[0]?.version).toBeDefined();
  });

  test('every class instantiates and has a config spec', () => {
    const r = registry();
    for (const name of TRANSFORMATIONS) expect(r.newTransformation(name).config()).toBeInstanceOf(ConfigDef);
    for (const name of PREDICATES) expect(r.newPredicate(name).config()).toBeInstanceOf(ConfigDef);
  });

  test('names resolve by full name, Outer$Inner alias and simple name; bare Key/Value are ambiguous', () => {
    const r = registry();
    expect(r.resolve('InsertField$Value', 'transformation').className).toBe(`${K}InsertField$Value`);
    expect(r.resolve('Cast$Key', 'transformation').className).toBe(`${K}Cast$Key`);
    expect(r.resolve('RegexRouter', 'transformation').className).toBe(`${K}RegexRouter`);
    expect(r.resolve('ExtractNewRecordState', 'transformation').className).toBe('io.debezium.transforms.ExtractNewRecordState');
    expect(r.resolve('TopicNameMatches', 'predicate').className).toBe(`${K}predicates.TopicNameMatches`);
    expect(r.lookup('Value', 'transformation').status).toBe('ambiguous');
    expect(() => registerBuiltinTransforms(r)).not.toThrow();
  });
});

describe('in a transformation chain', () => {
  test('a Kafka Connect config works unchanged: predicates, negate and several stages', () => {
    const config = {
      transforms: 'dropTombstones,route,insert',
      'transforms.dropTombstones.type': `${K}Filter`,
      'transforms.dropTombstones.predicate': 'isTombstone',
      'transforms.route.type': `${K}RegexRouter`,
      'transforms.route.regex': 'dbserver1\\.public\\.(.*)',
      'transforms.route.replacement': 'pg_$1',
      'transforms.insert.type': `${K}InsertField$Value`,
      'transforms.insert.topic.field': 'source_topic',
      'transforms.insert.predicate': 'isOrders',
      'transforms.insert.negate': 'true',
      predicates: 'isTombstone,isOrders',
      'predicates.isTombstone.type': `${K}predicates.RecordIsTombstone`,
      'predicates.isOrders.type': 'TopicNameMatches',
      'predicates.isOrders.pattern': 'pg_orders',
    };
    const chain = TransformationChain.fromConfig<SourceRecord>(registry(), config);
    expect(chain.apply(sourceRecord({ topic: 'dbserver1.public.orders', value: null }))).toBeNull();
    const orders = chain.apply(sourceRecord({ topic: 'dbserver1.public.orders', value: { id: 1 } }));
    expect([orders?.topic, orders?.value]).toEqual(['pg_orders', { id: 1 }]);
    const items = chain.apply(sourceRecord({ topic: 'dbserver1.public.items', value: { id: 2 } }));
    expect([items?.topic, items?.value]).toEqual(['pg_items', { id: 2, source_topic: 'pg_items' }]);
    chain.close();
  });

  test('a Debezium sink config with ExtractNewRecordState and a Struct value', () => {
    const row = SchemaBuilder.struct().name('s.public.t.Value').field('id', Schema.INT32_SCHEMA).optional().build();
    const envelope = SchemaBuilder.struct().name('s.public.t.Envelope').field('before', row).field('after', row).field('op', Schema.STRING_SCHEMA).build();
    const chain = TransformationChain.fromConfig<SinkRecord>(registry(), {
      transforms: 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.add.fields': 'op',
    });
    const value = new Struct(envelope).put('after', new Struct(row).put('id', 5)).put('op', 'c');
    const out = chain.apply(sinkRecord({ valueSchema: envelope, value })) as SinkRecord;
    expect([(out.value as Struct).get('id'), (out.value as Struct).get('__op')]).toEqual([5, 'c']);
  });

  test('validation reports transformation settings under their prefix', () => {
    const config = { transforms: 'cast', 'transforms.cast.type': `${K}Cast$Value`, 'transforms.cast.spec': 'a:bytes' };
    const def = enrichWithTransforms(registry(), new ConfigDef(), config);
    const result = def.validateAll(config).get('transforms.cast.spec');
    expect(result?.errorMessages.join()).toMatch(/does not support casting to BYTES/);
  });
});
