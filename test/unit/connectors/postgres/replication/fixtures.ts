/** Decoded views of the captured pgoutput fixtures (test/fixtures/pgoutput), shared by the decoder tests. */
import { readChanges } from '../../../../fixtures/pgoutput/fixture-format';
import { parseLsn, type Lsn } from '../../../../../connectors/postgres/replication/lsn';
import { PgoutputDecoder } from '../../../../../connectors/postgres/replication/pgoutput-decoder';
import type { PgoutputMessage, RelationMessage } from '../../../../../connectors/postgres/replication/pgoutput-messages';

export interface DecodedChange {
  lsn: Lsn;
  xid: number;
  data: Buffer;
  message: PgoutputMessage;
}

export function decodeFixture(name: string): DecodedChange[] {
  const decoder = new PgoutputDecoder();
  return readChanges(name).map((c) => ({ lsn: parseLsn(c.lsn), xid: Number(c.xid), data: c.data, message: decoder.decode(c.data) }));
}

export function messagesOf<T extends PgoutputMessage['tag']>(changes: DecodedChange[], tag: T): Array<Extract<PgoutputMessage, { tag: T }>> {
  return changes.map((c) => c.message).filter((m): m is Extract<PgoutputMessage, { tag: T }> => m.tag === tag);
}

/** The first Relation message for a table, and the id the server gave it. */
export function relationNamed(changes: DecodedChange[], name: string): RelationMessage {
  const found = messagesOf(changes, 'relation').find((r) => r.name === name);
  if (!found) throw new Error(`no Relation message for ${name} in fixture`);
  return found;
}
