/** Identifier quoting and folding, and table names from table.name.format. */
import { DataError } from '../../../../../connect-runtime/api';
import { normalizeIdentifier, quoteIdentifier, quoteTable, truncateIdentifier } from '../../../../../connectors/postgres/sink/identifiers';
import { checkTableNameFormat, TableNameResolver } from '../../../../../connectors/postgres/sink/table-naming';

describe('identifiers', () => {
  test('are always double-quoted, with embedded quotes doubled', () => {
    expect(quoteIdentifier('orders')).toBe('"orders"');
    expect(quoteIdentifier('Order "Lines"; DROP TABLE x')).toBe('"Order ""Lines""; DROP TABLE x"');
    expect(quoteTable({ schema: 'my.schema', name: 'a"b' })).toBe('"my.schema"."a""b"');
    expect(quoteTable({ schema: null, name: 'select' })).toBe('"select"');
    expect(() => quoteIdentifier('a\u0000b')).toThrow(DataError);
  });

  test('fold ASCII capitals like unquoted SQL unless the case is kept', () => {
    expect(normalizeIdentifier('CustomerID', false)).toBe('customerid');
    expect(normalizeIdentifier('CustomerID', true)).toBe('CustomerID');
    // PostgreSQL folds only ASCII letters in UTF-8 databases.
    expect(normalizeIdentifier('ÄRGER_X', false)).toBe('Ärger_x');
    expect(() => normalizeIdentifier('', false)).toThrow('An empty string is not a valid PostgreSQL identifier');
  });

  test('are cut to 63 bytes at a character boundary, as the server would', () => {
    expect(truncateIdentifier('a'.repeat(70))).toBe('a'.repeat(63));
    const multibyte = 'é'.repeat(40); // 80 bytes
    expect(truncateIdentifier(multibyte)).toBe('é'.repeat(31));
    expect(Buffer.byteLength(truncateIdentifier(`x${multibyte}`))).toBe(63);
  });
});

describe('table.name.format', () => {
  const source = (fields: Record<string, string>) => (f: string) => fields[f];

  test('${topic} replaces every dot with an underscore (Debezium JDBC sink convention)', () => {
    const r = new TableNameResolver('${topic}', false);
    expect(r.resolve({ topic: 'server.public.Orders', sourceField: null })).toEqual({ schema: null, name: 'server_public_orders' });
    expect(r.usesSource).toBe(false);
  });

  test('a dot in the format separates the schema; a third part (the database) is ignored', () => {
    expect(new TableNameResolver('archive.kafka_${topic}', false).resolve({ topic: 'a.b', sourceField: null })).toEqual({ schema: 'archive', name: 'kafka_a_b' });
    expect(new TableNameResolver('db.s.t', false).resolve({ topic: 'x', sourceField: null })).toEqual({ schema: 's', name: 't' });
  });

  test('${source.<field>} reads the envelope source block; dots inside values never split names', () => {
    const r = new TableNameResolver('${source.schema}.${source.table}', true);
    expect(r.usesSource).toBe(true);
    expect(r.resolve({ topic: 't', sourceField: source({ schema: 'inventory', table: 'Odd.Name' }) })).toEqual({ schema: 'inventory', name: 'Odd.Name' });
    expect(() => r.resolve({ topic: 't', sourceField: null })).toThrow('uses ${source.schema}, but the record is not a Debezium change event');
    expect(() => r.resolve({ topic: 't', sourceField: source({ schema: 'x' }) })).toThrow("the event's source block has no such value");
  });

  test('formats are checked when configured', () => {
    expect(checkTableNameFormat('${topic}')).toBeNull();
    expect(checkTableNameFormat('${source.db}_${source.table}')).toBeNull();
    expect(checkTableNameFormat('')).toBe('The format must not be empty');
    expect(checkTableNameFormat('${table}')).toBe('Unknown placeholder ${table}: use ${topic} or ${source.<field>}');
    expect(checkTableNameFormat('x_${topic')).toBe('Unclosed placeholder at position 2');
    expect(checkTableNameFormat('.${topic}')).toBe('A schema or table part of the format is empty');
    expect(checkTableNameFormat('a.b.c.d')).toBe('Expected table, schema.table or database.schema.table');
  });
});
