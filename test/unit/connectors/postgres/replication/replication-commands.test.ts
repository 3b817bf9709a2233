import { ReplicationError } from '../../../../../connectors/postgres/replication/errors';
import { parseLsn } from '../../../../../connectors/postgres/replication/lsn';
import {
  createSlotCommand,
  dropSlotCommand,
  startReplicationCommand,
} from '../../../../../connectors/postgres/replication/replication-commands';
import { quoteIdent, quoteLiteral, quoteTable, validateSlotName } from '../../../../../connectors/postgres/replication/sql-quote';

describe('SQL quoting', () => {
  it('quotes identifiers so that case and quotes survive', () => {
    expect(quoteIdent('orders')).toBe('"orders"');
    expect(quoteIdent('Mixed Case')).toBe('"Mixed Case"');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(quoteTable({ schema: 'Sales', table: 'order"s' })).toBe('"Sales"."order""s"');
    expect(() => quoteIdent('')).toThrow('an SQL identifier must not be empty');
  });

  it('quotes literals, switching to E-strings for backslashes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(quoteLiteral('00000003-00000003-1')).toBe("'00000003-00000003-1'");
    expect(() => quoteLiteral('a\0b')).toThrow('NUL');
  });

  it('validates slot names with the server rule', () => {
    expect(() => validateSlotName('debezium_1')).not.toThrow();
    for (const bad of ['', 'Debezium', 'my-slot', 'a'.repeat(64), 'x"y']) {
      expect(() => validateSlotName(bad)).toThrow(ReplicationError);
    }
    expect(() => validateSlotName('my-slot')).toThrow('invalid replication slot name "my-slot"');
  });
});

describe('replication commands', () => {
  it('creates slots with the PostgreSQL 15 option syntax or the older keywords', () => {
    expect(createSlotCommand({ slot: 'dbz', serverVersionNum: 150004 })).toBe(
      `CREATE_REPLICATION_SLOT "dbz" LOGICAL "pgoutput" (SNAPSHOT 'export')`,
    );
    expect(createSlotCommand({ slot: 'dbz', serverVersionNum: 150004, temporary: true, snapshot: 'nothing' })).toBe(
      `CREATE_REPLICATION_SLOT "dbz" TEMPORARY LOGICAL "pgoutput" (SNAPSHOT 'nothing')`,
    );
    expect(createSlotCommand({ slot: 'dbz', serverVersionNum: 170000, failover: true })).toBe(
      `CREATE_REPLICATION_SLOT "dbz" LOGICAL "pgoutput" (SNAPSHOT 'export', FAILOVER true)`,
    );
    expect(createSlotCommand({ slot: 'dbz', serverVersionNum: 140009 })).toBe('CREATE_REPLICATION_SLOT "dbz" LOGICAL "pgoutput" EXPORT_SNAPSHOT');
    expect(createSlotCommand({ slot: 'dbz', serverVersionNum: 120000, snapshot: 'nothing' })).toBe(
      'CREATE_REPLICATION_SLOT "dbz" LOGICAL "pgoutput" NOEXPORT_SNAPSHOT',
    );
    expect(() => createSlotCommand({ slot: 'dbz', serverVersionNum: 160000, failover: true })).toThrow(
      'failover slots need PostgreSQL 17 or later (server is 16.0)',
    );
  });

  it('drops slots, optionally waiting for them to be released', () => {
    expect(dropSlotCommand({ slot: 'dbz' })).toBe('DROP_REPLICATION_SLOT "dbz"');
    expect(dropSlotCommand({ slot: 'dbz', wait: true })).toBe('DROP_REPLICATION_SLOT "dbz" WAIT');
  });

  it('starts replication with Debezium-like defaults: protocol 1, messages on, streaming not requested', () => {
    expect(startReplicationCommand({ slot: 'dbz', startLsn: parseLsn('16/B374D848'), publicationNames: ['dbz_publication'] })).toBe(
      `START_REPLICATION SLOT "dbz" LOGICAL 16/B374D848 ("proto_version" '1', "publication_names" '"dbz_publication"', "messages" 'true')`,
    );
  });

  it('quotes each publication name inside the list, and passes the other options', () => {
    const text = startReplicationCommand({
      slot: 'dbz',
      publicationNames: ['Pub One', 'it"s'],
      protoVersion: 2,
      streaming: true,
      binary: true,
      messages: false,
      origin: 'none',
      extraOptions: { custom: "it's" },
    });
    expect(text).toBe(
      `START_REPLICATION SLOT "dbz" LOGICAL 0/0 ("proto_version" '2', "publication_names" '"Pub One","it""s"', ` +
        `"streaming" 'on', "binary" 'true', "origin" 'none', "custom" 'it''s')`,
    );
    expect(startReplicationCommand({ slot: 'dbz', publicationNames: ['p'], protoVersion: 2, streaming: false })).toContain(`"streaming" 'off'`);
  });

  it('refuses option combinations the server would reject', () => {
    expect(() => startReplicationCommand({ slot: 'dbz', publicationNames: [] })).toThrow('at least one publication name is required');
    expect(() => startReplicationCommand({ slot: 'dbz', publicationNames: ['p'], streaming: true })).toThrow(
      'streaming in-progress transactions needs proto_version 2',
    );
    expect(() => startReplicationCommand({ slot: 'dbz', publicationNames: ['p'], protoVersion: 3 as 2 })).toThrow('unsupported pgoutput proto_version 3');
  });
});
