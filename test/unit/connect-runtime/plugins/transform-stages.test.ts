import { transformStages } from '../../../../connect-runtime/plugins/transform-stages';

describe('transformStages', () => {
  it('reads aliases, types, predicates and negate, passing the other keys on without the prefix', () => {
    const { stages, predicates } = transformStages({
      transforms: 'route, drop',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': '(.*)',
      'transforms.route.replacement': 'copy-$1',
      'transforms.drop.type': 'Filter',
      'transforms.drop.predicate': 'isTest',
      'transforms.drop.negate': 'true',
      predicates: 'isTest',
      'predicates.isTest.type': 'TopicNameMatches',
      'predicates.isTest.pattern': 'test-.*',
    });
    expect(stages).toEqual([
      { alias: 'route', type: 'RegexRouter', configs: { type: 'RegexRouter', regex: '(.*)', replacement: 'copy-$1' }, predicate: null, negate: false },
      { alias: 'drop', type: 'Filter', configs: { type: 'Filter' }, predicate: 'isTest', negate: true },
    ]);
    expect([...predicates.values()]).toEqual([{ alias: 'isTest', type: 'TopicNameMatches', configs: { type: 'TopicNameMatches', pattern: 'test-.*' } }]);
  });

  it('names the missing type and the unknown predicate alias', () => {
    expect(() => transformStages({ transforms: 'x' })).toThrow('Missing required configuration "transforms.x.type" which has no default value.');
    expect(() => transformStages({ predicates: 'p' })).toThrow('Missing required configuration "predicates.p.type" which has no default value.');
    expect(() => transformStages({ transforms: 'x', 'transforms.x.type': 'Filter', 'transforms.x.predicate': 'nope' })).toThrow(/Unknown predicate alias "nope"/);
  });
});
