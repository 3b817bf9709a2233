import {
  BigDecimal,
  ConnectTimestamp,
  DataError,
  Decimal,
  Schema,
  SchemaBuilder,
  SchemaBuilderError,
  Struct,
  validateValue,
  valuesEqual,
} from '../../../../connect-runtime/api';

describe('SchemaBuilder', () => {
  test('fluent struct with optional and nested fields', () => {
    const schema = SchemaBuilder.struct()
      .name('com.example.Order')
      .version(2)
      .doc('an order')
      .field('id', Schema.INT64_SCHEMA)
      .field('note', SchemaBuilder.string().optional())
      .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
      .build();
    expect(schema.type).toBe('STRUCT');
    expect(schema.name).toBe('com.example.Order');
    expect(schema.version).toBe(2);
    expect(schema.doc).toBe('an order');
    expect(schema.optional).toBe(false);
    expect(schema.fields.map((f) => [f.name, f.index, f.schema.type, f.schema.optional])).toEqual([
      ['id', 0, 'INT64', false],
      ['note', 1, 'STRING', true],
      ['tags', 2, 'ARRAY', true],
    ]);
    expect(schema.field('tags')?.schema.valueSchema).toBe(Schema.STRING_SCHEMA);
    expect(schema.field('missing')).toBeUndefined();
    expect(Object.isFrozen(schema)).toBe(true);
  });

  test('build() returns the same object until the builder changes', () => {
    const b = SchemaBuilder.int32();
    const first = b.build();
    expect(b.build()).toBe(first);
    b.optional();
    expect(b.build()).not.toBe(first);
    expect(b.build().optional).toBe(true);
  });

  test('primitive constants', () => {
    expect(Schema.OPTIONAL_STRING_SCHEMA.optional).toBe(true);
    expect(Schema.STRING_SCHEMA.optional).toBe(false);
    expect(Schema.BYTES_SCHEMA.type).toBe('BYTES');
    expect(Schema.FLOAT32_SCHEMA.toString()).toBe('Schema{FLOAT32}');
  });

  test('setting a property twice to a different value fails, as in Kafka', () => {
    expect(() => SchemaBuilder.string().name('a').name('b')).toThrow('Invalid SchemaBuilder call: name has already been set.');
    expect(() => SchemaBuilder.string().optional().required()).toThrow(SchemaBuilderError);
    expect(SchemaBuilder.string().name('a').name('a').build().name).toBe('a');
  });

  test('field errors', () => {
    expect(() => SchemaBuilder.int32().field('a', Schema.STRING_SCHEMA)).toThrow('Cannot create fields on type INT32');
    expect(() => SchemaBuilder.struct().field('a', Schema.STRING_SCHEMA).field('a', Schema.INT8_SCHEMA)).toThrow(
      'Cannot create field because of field name duplication a',
    );
    expect(() => Schema.STRING_SCHEMA.fields).toThrow(DataError);
    expect(() => Schema.STRING_SCHEMA.keySchema).toThrow(DataError);
  });

  test('default values are validated', () => {
    expect(SchemaBuilder.int32().defaultValue(42).build().defaultValue).toBe(42);
    expect(() => SchemaBuilder.int32().defaultValue('x')).toThrow(SchemaBuilderError);
    expect(() => SchemaBuilder.int8().defaultValue(300)).toThrow(/Invalid default value/);
    expect(SchemaBuilder.int32().defaultValue(null).build().defaultValue).toBeUndefined();
  });

  test('structural equality', () => {
    const a = SchemaBuilder.struct().name('x').field('f', Schema.INT32_SCHEMA).build();
    const b = SchemaBuilder.struct().name('x').field('f', SchemaBuilder.int32()).build();
    const c = SchemaBuilder.struct().name('x').field('f', Schema.INT64_SCHEMA).build();
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(Decimal.schema(2).equals(Decimal.schema(2))).toBe(true);
    expect(Decimal.schema(2).equals(Decimal.schema(3))).toBe(false);
    expect(SchemaBuilder.int32().defaultValue(1).build().equals(SchemaBuilder.int32().defaultValue(2).build())).toBe(false);
  });
});

describe('Struct', () => {
  const schema = SchemaBuilder.struct()
    .name('row')
    .field('id', Schema.INT32_SCHEMA)
    .field('big', Schema.OPTIONAL_INT64_SCHEMA)
    .field('label', SchemaBuilder.string().optional().defaultValue('none'))
    .field('when', ConnectTimestamp.builder().optional())
    .field('amount', Decimal.builder(2).optional())
    .build();

  test('put/get with defaults and typed getters', () => {
    const s = new Struct(schema).put('id', 7).put('big', 9223372036854775807n);
    expect(s.getInt32('id')).toBe(7);
    expect(s.getInt64('big')).toBe(9223372036854775807n);
    expect(s.get('label')).toBe('none');
    expect(s.getWithoutDefault('label')).toBeNull();
    expect(() => s.getString('id')).toThrow("Field 'id' is not of type STRING");
    expect(() => s.get('nope')).toThrow('nope is not a valid field name');
  });

  test('put validates against the field schema and names the field', () => {
    const s = new Struct(schema);
    expect(() => s.put('id', 'seven')).toThrow(/field: "id"/);
    expect(() => s.put('id', 2 ** 31)).toThrow(DataError);
    expect(() => s.put('id', null)).toThrow('Invalid value: null used for required field: "id", schema type: INT32');
    expect(() => s.put('big', 2 ** 60)).toThrow(/safe integer/);
    expect(() => s.put('when', 123)).toThrow(/Date/);
    expect(() => s.put('amount', 1.5)).toThrow(/BigDecimal/);
    try {
      s.put('id', 'x');
    } catch (err) {
      expect((err as DataError).field).toBe('id');
      expect((err as DataError).code).toBe('DATA_ERROR');
    }
  });

  test('validate() requires every required field', () => {
    const s = new Struct(schema);
    expect(() => s.validate()).toThrow('Invalid value: null used for required field: "id", schema type: INT32');
    s.put('id', 1);
    expect(() => s.validate()).not.toThrow();
  });

  test('equality and toString', () => {
    const a = new Struct(schema).put('id', 1).put('amount', BigDecimal.parse('1.50'));
    const b = new Struct(schema).put('id', 1).put('amount', BigDecimal.parse('1.50'));
    expect(a.equals(b)).toBe(true);
    expect(valuesEqual(a, b)).toBe(true);
    b.put('id', 2);
    expect(a.equals(b)).toBe(false);
    expect(a.toString()).toBe('Struct{id=1,amount=1.50}');
  });

  test('nested structs must carry an equal schema', () => {
    const inner = SchemaBuilder.struct().field('a', Schema.INT8_SCHEMA).build();
    const outer = SchemaBuilder.struct().field('inner', inner).build();
    const other = SchemaBuilder.struct().field('b', Schema.INT8_SCHEMA).build();
    expect(() => new Struct(outer).put('inner', new Struct(other).put('b', 1))).toThrow(/Struct schemas do not match/);
    expect(() => new Struct(outer).put('inner', new Struct(inner))).toThrow(/field: "a"/);
  });
});

describe('validateValue', () => {
  test('collections are checked element by element', () => {
    const arr = SchemaBuilder.array(Schema.INT16_SCHEMA).build();
    expect(() => validateValue(arr, [1, 2, 3])).not.toThrow();
    expect(() => validateValue(arr, [1, 70000])).toThrow(/element of array value/);
    const map = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.BOOLEAN_SCHEMA).build();
    expect(() => validateValue(map, { a: true })).not.toThrow();
    expect(() => validateValue(map, new Map([['a', false]]))).not.toThrow();
    expect(() => validateValue(map, new Map([[1, false]]))).toThrow(/key of map/);
    expect(() => validateValue(map, { a: 'no' }, 'flags')).toThrow(/value of map field: "flags"/);
  });

  test('bytes, floats and int64 bounds', () => {
    expect(() => validateValue(Schema.BYTES_SCHEMA, Buffer.from('x'))).not.toThrow();
    expect(() => validateValue(Schema.BYTES_SCHEMA, new Uint8Array([1]))).not.toThrow();
    expect(() => validateValue(Schema.BYTES_SCHEMA, 'x')).toThrow(DataError);
    expect(() => validateValue(Schema.FLOAT32_SCHEMA, 1.5)).not.toThrow();
    expect(() => validateValue(Schema.INT64_SCHEMA, -(2n ** 63n))).not.toThrow();
    expect(() => validateValue(Schema.INT64_SCHEMA, 2n ** 63n)).toThrow(DataError);
    expect(() => validateValue(Schema.OPTIONAL_INT64_SCHEMA, null)).not.toThrow();
  });

  test.each([
    ['INT8', Schema.INT8_SCHEMA, [-128, 0, 127], [-129, 128, 1.5, 2 ** 32, '1']],
    ['INT16', Schema.INT16_SCHEMA, [-32768, 0, 32767], [-32769, 32768, 0.5, 2 ** 32 + 1, NaN]],
  ] as const)('%s accepts exactly the integers of its range', (_type, schema, fits, misfits) => {
    for (const v of fits) expect(() => validateValue(schema, v)).not.toThrow();
    for (const v of misfits) expect(() => validateValue(schema, v)).toThrow(DataError);
  });
});
