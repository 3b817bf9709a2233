import Ajv from 'ajv';
import { inspect } from 'node:util';
import {
  AbstractConfig,
  CaseInsensitiveValidString,
  ConfigDef,
  ConfigError,
  configInfos,
  configKeyInfos,
  connectorCommonConfigDef,
  LambdaValidator,
  mergeConfigInfos,
  NO_DEFAULT,
  NonEmptyString,
  Password,
  Range,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  validateToConfigInfos,
  ValidList,
  ValidString,
} from '../../../../connect-runtime/api';

function messagesOf(def: ConfigDef, props: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of def.validate(props)) if (v.errorMessages.length > 0) out[v.name] = v.errorMessages;
  return out;
}

describe('ConfigDef parsing (Kafka rules)', () => {
  const def = new ConfigDef()
    .define({ name: 'b', type: 'BOOLEAN', default: false, importance: 'LOW' })
    .define({ name: 's', type: 'STRING', default: null, importance: 'LOW' })
    .define({ name: 'i', type: 'INT', default: 0, importance: 'LOW' })
    .define({ name: 'sh', type: 'SHORT', default: 0, importance: 'LOW' })
    .define({ name: 'l', type: 'LONG', default: 0, importance: 'LOW' })
    .define({ name: 'd', type: 'DOUBLE', default: 0, importance: 'LOW' })
    .define({ name: 'list', type: 'LIST', default: '', importance: 'LOW' })
    .define({ name: 'cls', type: 'CLASS', default: null, importance: 'LOW' })
    .define({ name: 'pw', type: 'PASSWORD', default: null, importance: 'LOW' });

  test('typed values from strings', () => {
    const v = def.parse({
      b: ' TRUE ',
      s: '  text  ',
      i: '+42',
      sh: '-7',
      l: '9007199254740993',
      d: '1e3',
      list: ' a , b,c ',
      cls: ' org.example.Foo ',
      pw: 'secret',
    });
    expect(v).toMatchObject({ b: true, s: 'text', i: 42, sh: -7, l: Number.MAX_SAFE_INTEGER, d: 1000, list: ['a', 'b', 'c'], cls: 'org.example.Foo' });
    expect((v['pw'] as Password).value()).toBe('secret');
  });

  test('defaults apply and typed inputs are accepted', () => {
    expect(def.parse({})).toMatchObject({ b: false, s: null, i: 0, list: [] });
    expect(def.parse({ i: 5, b: true, list: ['x'] })).toMatchObject({ i: 5, b: true, list: ['x'] });
  });

  test('bad values give Kafka’s messages', () => {
    expect(messagesOf(def, { b: 'yes', i: '1.5', sh: '40000', l: 'x', d: 'one' })).toEqual({
      b: ['Invalid value yes for configuration b: Expected value to be either true or false'],
      i: ['Invalid value 1.5 for configuration i: Not a number of type INT'],
      sh: ['Invalid value 40000 for configuration sh: Not a number of type SHORT'],
      l: ['Invalid value x for configuration l: Not a number of type LONG'],
      d: ['Invalid value one for configuration d: Not a number of type DOUBLE'],
    });
  });

  test('parse() throws one ConfigError with every problem', () => {
    try {
      def.parse({ b: 'maybe', i: 'x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('CONFIG_INVALID');
      expect(Object.keys((err as ConfigError).fieldErrors)).toEqual(['b', 'i']);
    }
  });

  test('defining a key twice or with an invalid default fails', () => {
    expect(() => new ConfigDef().define({ name: 'x', type: 'INT', default: 1, importance: 'LOW' }).define({ name: 'x', type: 'INT', default: 1, importance: 'LOW' })).toThrow(
      'Configuration x is defined twice.',
    );
    expect(() => new ConfigDef().define({ name: 'x', type: 'INT', default: 0, validator: Range.atLeast(1), importance: 'LOW' })).toThrow(ConfigError);
  });
});

describe('validators', () => {
  const def = new ConfigDef()
    .define({ name: 'req', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH' })
    .define({ name: 'n', type: 'INT', default: 5, validator: Range.between(1, 10), importance: 'HIGH' })
    .define({ name: 'mode', type: 'STRING', default: 'a', validator: ValidString.in('a', 'b'), importance: 'LOW' })
    .define({ name: 'fmt', type: 'STRING', default: 'BASE64', validator: CaseInsensitiveValidString.in('BASE64', 'NUMERIC'), importance: 'LOW' })
    .define({ name: 'items', type: 'LIST', default: 'x', validator: ValidList.in('x', 'y'), importance: 'LOW' })
    .define({ name: 'label', type: 'STRING', default: null, validator: new NonEmptyString(), importance: 'LOW' })
    .define({
      name: 'even', type: 'INT', default: 2, importance: 'LOW',
      validator: LambdaValidator.with((name, value) => {
        if (typeof value === 'number' && value % 2 !== 0) throw ConfigError.invalidValue(name, value, 'must be even');
      }),
    });

  test('valid input has no errors', () => {
    expect(messagesOf(def, { req: 'x', n: '10', mode: 'b', fmt: 'numeric', items: 'y,x', label: 'l', even: '4' })).toEqual({});
  });

  test('each validator words its own error', () => {
    expect(messagesOf(def, { n: '0', mode: 'c', fmt: 'hex', items: 'x,z', label: '', even: '3' })).toEqual({
      req: ['Missing required configuration "req" which has no default value.'],
      n: ['Invalid value 0 for configuration n: Value must be at least 1'],
      mode: ['Invalid value c for configuration mode: String must be one of: a, b'],
      fmt: ['Invalid value hex for configuration fmt: String must be one of (case insensitive): BASE64, NUMERIC'],
      items: ['Invalid value z for configuration items: String must be one of: x, y'],
      label: ['Invalid value  for configuration label: String must be non-empty'],
      even: ['Invalid value 3 for configuration even: must be even'],
    });
    expect(messagesOf(def, { req: 'x', n: '11' })).toEqual({ n: ['Invalid value 11 for configuration n: Value must be no more than 10'] });
  });

  test('a value that does not parse also fails a non-null validator, as in Kafka', () => {
    expect(messagesOf(def, { req: 'x', n: 'many' })).toEqual({
      n: ['Invalid value many for configuration n: Not a number of type INT', 'Invalid value null for configuration n: Value must be non-null'],
    });
  });

  test('toJsonSchema is a draft-07 schema that ajv compiles and enforces', () => {
    const schema = def.toJsonSchema();
    expect(schema['required']).toEqual(['req']);
    const props = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(props['n']).toMatchObject({ type: 'integer', allOf: [{ minimum: 1, maximum: 10 }], default: 5, title: 'n' });
    expect(props['mode']).toMatchObject({ type: 'string', allOf: [{ enum: ['a', 'b'] }] });
    expect(props['label']).toMatchObject({ type: ['string', 'null'], allOf: [{ minLength: 1 }] });
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ req: 'x', n: 3, mode: 'a', fmt: 'Numeric', items: ['x'], label: null, even: 2 })).toBe(true);
    expect(validate({ req: 'x', n: 30 })).toBe(false);
    expect(validate({ n: 3 })).toBe(false);
    expect(validate({ req: 'x', fmt: 'hex' })).toBe(false);
  });
});

describe('passwords', () => {
  test('never render their value', () => {
    const pw = new Password('s3cret');
    expect(String(pw)).toBe('[hidden]');
    expect(JSON.stringify({ pw })).toBe('{"pw":"[hidden]"}');
    expect(inspect({ pw })).not.toContain('s3cret');
    expect(pw.value()).toBe('s3cret');
  });

  test('validate output shows [hidden]', () => {
    const def = new ConfigDef().define({ name: 'password', type: 'PASSWORD', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'HIGH' });
    const infos = validateToConfigInfos('X', def, { password: 'hunter2' });
    expect(infos.configs[0]?.value).toEqual({ name: 'password', value: '[hidden]', recommended_values: [], errors: [], visible: true });
    expect(JSON.stringify(infos)).not.toContain('hunter2');
    expect(messagesOf(def, { password: '' })).toEqual({ password: ['Invalid value [hidden] for configuration password: String must be non-empty'] });
  });
});

describe('REST shapes (reference connect.md §1.2)', () => {
  const fileSinkDef = new ConfigDef().define({
    name: 'file', type: 'STRING', default: null, importance: 'HIGH',
    documentation: 'Destination filename. If not specified, the standard output will be used',
  });
  const connectorClass = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
  const props = { 'connector.class': connectorClass, 'tasks.max': '1', topics: 'connect-test', file: '/tmp/out.txt' };

  test('GET /connector-plugins/{plugin}/config entry for a key without group', () => {
    expect(JSON.stringify(configKeyInfos(fileSinkDef)[0])).toBe(
      '{"name":"file","type":"STRING","required":false,"default_value":null,"importance":"HIGH",' +
        '"documentation":"Destination filename. If not specified, the standard output will be used","group":null,"order":-1,' +
        '"width":"NONE","display_name":"file","dependents":[]}',
    );
  });

  test('PUT /connector-plugins/{plugin}/config/validate', () => {
    const framework = sinkConnectorConfigDef();
    const infos = mergeConfigInfos(
      connectorClass,
      validateToConfigInfos(connectorClass, framework, props),
      configInfos(connectorClass, fileSinkDef, fileSinkDef.validate(props)),
    );
    expect(infos.name).toBe(connectorClass);
    expect(infos.error_count).toBe(1);
    expect(infos.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const byName = new Map(infos.configs.map((c) => [c.definition?.name, c]));
    expect(JSON.stringify(byName.get('name'))).toBe(
      '{"definition":{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH",' +
        '"documentation":"Globally unique name to use for this connector.","group":"Common","order":1,"width":"MEDIUM",' +
        '"display_name":"Connector name","dependents":[]},"value":{"name":"name","value":null,"recommended_values":[],' +
        '"errors":["Missing required configuration \\"name\\" which has no default value."],"visible":true}}',
    );
    expect(JSON.stringify(byName.get('tasks.max'))).toBe(
      '{"definition":{"name":"tasks.max","type":"INT","required":false,"default_value":"1","importance":"HIGH",' +
        '"documentation":"Maximum number of tasks to use for this connector.","group":"Common","order":3,"width":"SHORT",' +
        '"display_name":"Tasks max","dependents":[]},"value":{"name":"tasks.max","value":"1","recommended_values":[],"errors":[],"visible":true}}',
    );
    expect(byName.get('file')?.value).toEqual({ name: 'file', value: '/tmp/out.txt', recommended_values: [], errors: [], visible: true });
    expect(byName.get('topics')?.value?.value).toBe('connect-test');
    expect(byName.get('transforms')?.definition?.default_value).toBe('');
    expect(infos.configs[0]?.definition?.name).toBe('name');
    expect(infos.configs.at(-1)?.definition?.name).toBe('file');
  });

  test('framework specs', () => {
    const common = connectorCommonConfigDef();
    expect(common.names().slice(0, 4)).toEqual(['name', 'connector.class', 'tasks.max', 'tasks.max.enforce']);
    expect(messagesOf(common, { name: 'c', 'connector.class': 'X', 'tasks.max': '0', transforms: 'a,a', 'errors.tolerance': 'some' })).toEqual({
      'tasks.max': ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
      transforms: ['Invalid value [a, a] for configuration transforms: Duplicate alias provided.'],
      'errors.tolerance': ['Invalid value some for configuration errors.tolerance: String must be one of: none, all'],
    });
    expect(messagesOf(common, { name: 'bad\u0001name', 'connector.class': 'X' })['name']).toEqual([
      'Invalid value bad\u0001name for configuration name: String may not contain control sequences but had the following ASCII chars: 1',
    ]);
    expect(messagesOf(sinkConnectorConfigDef(), { name: 'c', 'connector.class': 'X', 'topics.regex': '(' })['topics.regex']?.[0]).toMatch(
      /^Invalid value \( for configuration topics\.regex: Invalid regex/,
    );
    const source = sourceConnectorConfigDef();
    expect(source.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic']);
    expect(messagesOf(source, { name: 'c', 'connector.class': 'X', 'exactly.once.support': 'REQUIRED', 'transaction.boundary.interval.ms': '-1' })).toEqual({
      'transaction.boundary.interval.ms': ['Invalid value -1 for configuration transaction.boundary.interval.ms: Value must be at least 0'],
    });
  });

  test('DOUBLE defaults print like Java and LIST values are joined', () => {
    const def = new ConfigDef()
      .define({ name: 'ratio', type: 'DOUBLE', default: 1, importance: 'LOW' })
      .define({ name: 'hosts', type: 'LIST', default: ['a', 'b'], importance: 'LOW' });
    const infos = validateToConfigInfos('X', def, { hosts: 'x, y' });
    expect(infos.configs.map((c) => [c.definition?.default_value, c.value?.value])).toEqual([
      ['1.0', '1.0'],
      ['a,b', 'x,y'],
    ]);
  });
});

describe('recommenders, dependents and embedding', () => {
  test('recommended values and visibility', () => {
    const def = new ConfigDef()
      .define({ name: 'mode', type: 'STRING', default: 'simple', importance: 'LOW', dependents: ['extra'] })
      .define({
        name: 'extra', type: 'STRING', default: null, importance: 'LOW',
        recommender: { validValues: () => ['x', 'y'], visible: (_n, parsed) => parsed['mode'] === 'advanced' },
      });
    const values = def.validateAll({ mode: 'simple' });
    expect(values.get('extra')).toMatchObject({ recommendedValues: ['x', 'y'], visible: false });
    expect(validateToConfigInfos('X', def, { mode: 'advanced' }).configs[1]?.value).toMatchObject({ recommended_values: ['x', 'y'], visible: true });
    expect(configKeyInfos(def)[0]?.dependents).toEqual(['extra']);
  });

  test('undefined dependents are reported', () => {
    const def = new ConfigDef().define({ name: 'a', type: 'STRING', default: null, importance: 'LOW', dependents: ['ghost'] });
    expect(def.validateAll({}).get('ghost')).toMatchObject({ errorMessages: ['ghost is referred in the dependents, but not defined.'], visible: false });
  });

  test('embed prefixes keys and groups', () => {
    const child = new ConfigDef()
      .define({ name: 'field', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH', group: 'Main' })
      .define({ name: 'n', type: 'INT', default: 1, validator: Range.atLeast(1), importance: 'LOW' });
    const def = connectorCommonConfigDef().embed('transforms.t1.', 'Transforms: t1', 0, child);
    expect(def.has('transforms.t1.field')).toBe(true);
    const key = def.configKeys.get('transforms.t1.field');
    expect(key).toMatchObject({ group: 'Transforms: t1: Main', orderInGroup: 0 });
    expect(def.groups).toContain('Transforms: t1: Main');
    expect(messagesOf(def, { name: 'c', 'connector.class': 'X', 'transforms.t1.n': '0' })).toEqual({
      'transforms.t1.field': ['Missing required configuration "transforms.t1.field" which has no default value.'],
      'transforms.t1.n': ['Invalid value 0 for configuration n: Value must be at least 1'],
    });
  });
});

describe('AbstractConfig', () => {
  const def = new ConfigDef()
    .define({ name: 'topic', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH' })
    .define({ name: 'batch.size', type: 'INT', default: 2000, importance: 'LOW' })
    .define({ name: 'secret', type: 'PASSWORD', default: null, importance: 'LOW' });

  test('typed getters and prefixes', () => {
    const config = new AbstractConfig(def, { topic: 't', 'batch.size': '10', secret: 'pw', 'producer.override.acks': 'all' });
    expect(config.getString('topic')).toBe('t');
    expect(config.getInt('batch.size')).toBe(10);
    expect(config.getPassword('secret')?.value()).toBe('pw');
    expect(config.originalsWithPrefix('producer.override.')).toEqual({ acks: 'all' });
    expect(() => config.getInt('topic')).toThrow(/is of type STRING/);
    expect(() => config.get('nope')).toThrow(/Unknown configuration/);
  });

  test('construction fails on invalid configs', () => {
    expect(() => new AbstractConfig(def, {})).toThrow('Missing required configuration "topic" which has no default value.');
  });
});
