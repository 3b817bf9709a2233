import { ReplicationError } from '../../../../../connectors/postgres/replication/errors';
import type { RelationMessage } from '../../../../../connectors/postgres/replication/pgoutput-messages';
import { bindTuple, RelationCache } from '../../../../../connectors/postgres/replication/relation-cache';
import { decodeFixture, messagesOf, relationNamed } from './fixtures';

describe('RelationCache', () => {
  const changes = decodeFixture('v1-text.changes');

  it('follows a captured stream: every change finds its relation, and schema changes replace the definition', () => {
    const cache = new RelationCache();
    const fxDefault = relationNamed(changes, 'fx_default');
    const widths: number[] = [];
    for (const { message } of changes) {
      cache.observe(message);
      if (message.tag === 'insert' || message.tag === 'update') {
        const relation = cache.require(message.relationId);
        const bound = bindTuple(relation, message.newTuple);
        if (relation.relationId === fxDefault.relationId) widths.push(bound.length);
      }
      if (message.tag === 'delete') bindTuple(cache.require(message.relationId), message.old.tuple);
      if (message.tag === 'truncate') for (const id of message.relationIds) cache.require(id);
    }
    // Before ALTER TABLE … ADD COLUMN the rows have 10 columns, after it 11.
    expect(widths[0]).toBe(10);
    expect(widths[widths.length - 1]).toBe(11);
    const info = cache.require(fxDefault.relationId);
    expect(info).toMatchObject({ schema: 'public', name: 'fx_default', replicaIdentity: 'default', keyColumns: ['id'] });
    expect(info.columns.map((c) => c.name)).toContain('extra');
    expect(cache.type(messagesOf(changes, 'type')[0]!.typeOid)).toMatchObject({ schema: 'public', name: 'fx_mood' });
  });

  it('reports whether a repeated Relation message changed the definition', () => {
    const cache = new RelationCache();
    const defs = messagesOf(changes, 'relation').filter((r) => r.name === 'fx_default');
    const first = cache.apply(defs[0]!);
    expect(first).toMatchObject({ changed: true });
    expect(first.previous).toBeUndefined();
    expect(cache.apply(defs[0]!)).toMatchObject({ changed: false });
    const altered = cache.apply(defs[defs.length - 1]!);
    expect(altered.changed).toBe(true);
    expect(altered.previous?.columns).toHaveLength(10);
    expect(altered.relation.columns).toHaveLength(11);
  });

  it('pairs tuple values with their columns by position', () => {
    const cache = new RelationCache();
    const full = relationNamed(changes, 'fx_full');
    const relation = cache.apply(full).relation;
    expect(relation.keyColumns).toEqual(['id', 'note', 'big']);
    const insert = messagesOf(changes, 'insert').find((m) => m.relationId === full.relationId)!;
    const bound = bindTuple(relation, insert.newTuple);
    expect(bound[1]).toEqual({ column: full.columns[1], value: { kind: 'text', value: 'first' } });
    expect(() => bindTuple(relation, insert.newTuple.slice(1))).toThrow(
      `a tuple of 2 column(s) does not match relation public.fx_full (id ${full.relationId}), which has 3`,
    );
  });

  it('fails clearly on a change for an unknown relation, and resolves pg_catalog', () => {
    const cache = new RelationCache();
    expect(cache.get(42)).toBeUndefined();
    expect(() => cache.require(42)).toThrow(ReplicationError);
    expect(() => cache.require(42)).toThrow('pgoutput sent a change for relation 42 before any Relation message describing it');
    const catalog: RelationMessage = { tag: 'relation', relationId: 7, namespace: '', name: 't', replicaIdentity: 'nothing', columns: [] };
    expect(cache.apply(catalog).relation.schema).toBe('pg_catalog');
    expect(cache.size).toBe(1);
    expect(cache.delete(7)).toBe(true);
    cache.apply(catalog);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
